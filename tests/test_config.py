"""site.toml: one declared schema, every key documented in the README."""

from __future__ import annotations

import pytest

from generator.config import OPTIONS, ConfigError, load_config

from .conftest import ROOT


def test_every_key_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [o.key for o in OPTIONS if f"`{o.key}`" not in readme]
    assert missing == []


def test_defaults_without_site_toml(tmp_path):
    config = load_config(tmp_path)
    assert config.base_url == "/" and config.get("serve.port") == 8000


def test_unknown_keys_warn_and_strict_fails(tmp_path):
    (tmp_path / "site.toml").write_text('[site]\ntitel = "x"\n', encoding="utf-8")
    assert load_config(tmp_path).warnings == ["未知的配置项 'site.titel'"]
    with pytest.raises(ConfigError):
        load_config(tmp_path, strict=True)


def test_all_type_errors_are_collected(tmp_path):
    (tmp_path / "site.toml").write_text('[serve]\nport = "80"\n[build]\njobs = true\n', encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path)
    assert len(info.value.problems) == 2


def test_base_url_gets_a_trailing_slash(tmp_path):
    (tmp_path / "site.toml").write_text('[site]\nbase_url = "/budget"\n', encoding="utf-8")
    assert load_config(tmp_path).base_url == "/budget/"


def test_job_counts_below_zero_are_refused(tmp_path):
    (tmp_path / "site.toml").write_text("[build]\njobs = -1\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path)
    assert sorted(info.value.problems) == ["'build.jobs' 应为 0（自动）或更大的数"]
