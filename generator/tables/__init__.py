"""Reading tables from cell grids, whatever the input format: the template catalogue
(`catalogue.toml`), the segmenter (`segment`), the header and code readers, one
interpreter per table shape, and `pipeline.read_grid` that runs them into a Document."""
