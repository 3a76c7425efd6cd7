/* zlib data (RFC 1950 around RFC 1951's deflate) inflated in plain JavaScript, for a browser
   without DecompressionStream (Safari before 16.4, Chromium before 80, older WebViews): the
   search page loads this file only there, and reads the index's compressed unit files with
   it. window.searchInflate(ArrayBuffer) → Uint8Array; the Adler-32 check is not verified
   (the files come from the same site as the page). Huffman codes are decoded canonically,
   bit by bit (code lengths counted, symbols sorted by code): a unit file is a few kB. */
(function () {
  "use strict";
  var LENGTH_BASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59,
                     67, 83, 99, 115, 131, 163, 195, 227, 258];
  var LENGTH_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4,
                      5, 5, 5, 5, 0];
  var DIST_BASE = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513,
                   769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577];
  var DIST_EXTRA = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10,
                    11, 11, 12, 12, 13, 13];
  var CODE_LENGTH_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

  /* A canonical Huffman code from its symbols' code lengths: how many codes of each
     length, and the symbols in code order. */
  function huffman(lengths) {
    var counts = new Uint16Array(16), offsets = new Uint16Array(16);
    var symbols = new Uint16Array(lengths.length), i;
    for (i = 0; i < lengths.length; i++) counts[lengths[i]]++;
    counts[0] = 0;
    for (i = 1; i < 16; i++) offsets[i] = offsets[i - 1] + counts[i - 1];
    for (i = 0; i < lengths.length; i++) if (lengths[i]) symbols[offsets[lengths[i]]++] = i;
    return {counts: counts, symbols: symbols};
  }

  function inflate(data) {
    var at = 2, bit = 0, out = new Uint8Array(Math.max(1024, data.length * 4)), size = 0;
    if ((data[0] & 15) !== 8 || ((data[0] << 8) | data[1]) % 31) throw new Error("not zlib data");
    function bits(count) {
      var value = 0;
      for (var i = 0; i < count; i++) {
        if (at >= data.length) throw new Error("zlib data cut short");
        value |= ((data[at] >>> bit) & 1) << i;
        if (++bit === 8) { bit = 0; at++; }
      }
      return value;
    }
    function put(byte) {
      if (size === out.length) {
        var larger = new Uint8Array(out.length * 2);
        larger.set(out);
        out = larger;
      }
      out[size++] = byte;
    }
    function decode(code) {
      var value = 0, first = 0, index = 0;
      for (var length = 1; length < 16; length++) {
        value |= bits(1);
        var count = code.counts[length];
        if (value - count < first) return code.symbols[index + value - first];
        index += count;
        first = (first + count) << 1;
        value <<= 1;
      }
      throw new Error("bad Huffman code");
    }
    function fixedCodes() {
      var lengths = new Uint8Array(288), i;
      for (i = 0; i < 288; i++) lengths[i] = i < 144 ? 8 : i < 256 ? 9 : i < 280 ? 7 : 8;
      var distances = new Uint8Array(30).fill(5);
      return [huffman(lengths), huffman(distances)];
    }
    function dynamicCodes() {
      var literals = bits(5) + 257, distances = bits(5) + 1, lengthCodes = bits(4) + 4, i;
      var codeLengths = new Uint8Array(19);
      for (i = 0; i < lengthCodes; i++) codeLengths[CODE_LENGTH_ORDER[i]] = bits(3);
      var lengthCode = huffman(codeLengths), lengths = new Uint8Array(literals + distances);
      for (i = 0; i < literals + distances;) {
        var symbol = decode(lengthCode), repeat = 0, value = 0;
        if (symbol < 16) { lengths[i++] = symbol; continue; }
        if (symbol === 16) {
          if (!i) throw new Error("bad code lengths");
          value = lengths[i - 1];
          repeat = 3 + bits(2);
        } else repeat = symbol === 17 ? 3 + bits(3) : 11 + bits(7);
        if (i + repeat > lengths.length) throw new Error("bad code lengths");
        while (repeat--) lengths[i++] = value;
      }
      return [huffman(lengths.subarray(0, literals)), huffman(lengths.subarray(literals))];
    }
    var last;
    do {
      last = bits(1);
      var type = bits(2);
      if (type === 0) {  // stored: the bytes as they are, from the next byte on
        if (bit) { bit = 0; at++; }
        var stored = data[at] | (data[at + 1] << 8);
        at += 4;
        if (at + stored > data.length) throw new Error("zlib data cut short");
        for (var k = 0; k < stored; k++) put(data[at++]);
        continue;
      }
      if (type === 3) throw new Error("bad block type");
      var codes = type === 1 ? fixedCodes() : dynamicCodes();
      for (;;) {
        var symbol = decode(codes[0]);
        if (symbol < 256) { put(symbol); continue; }
        if (symbol === 256) break;
        symbol -= 257;
        if (symbol >= 29) throw new Error("bad length code");
        var length = LENGTH_BASE[symbol] + bits(LENGTH_EXTRA[symbol]);
        var d = decode(codes[1]);
        if (d >= 30) throw new Error("bad distance code");
        var distance = DIST_BASE[d] + bits(DIST_EXTRA[d]);
        if (distance > size) throw new Error("distance too far back");
        while (length--) put(out[size - distance]);
      }
    } while (!last);
    return out.subarray(0, size);
  }

  window.searchInflate = function (buffer) { return inflate(new Uint8Array(buffer)); };
})();
