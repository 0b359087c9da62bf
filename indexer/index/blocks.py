"""A new segment's postings written term by term, whole blocks at a time, as Whoosh's W3 codec writes them.

Whoosh's FieldWriter.add_postings takes one posting per call and its postings
writer buffers them into blocks of `blocklimit`; here each term's postings
arrive as arrays (`indexer.index.pool`) and every block is written at once:
the same pickled and compressed block data, block info and term info
(`W3PostingsWriter._write_block`, `W3TermInfo.add_block`), so the files are
Whoosh's byte for byte (tested). Frequent terms go to the segment's term store
from the same arrays.
"""
from __future__ import annotations

import zlib
from array import array
from pickle import dumps

import numpy as np
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3TermInfo
from whoosh.system import pack_ushort
from whoosh.util.numeric import _length_byte_cache, length_to_byte

from indexer.index import heap
from indexer.index.pool import PostingPool
from indexer.index.stores import termstore
from indexer.index.wordtable import encode_many

COMPRESSION_MIN_SIZE = 80  # whoosh3's: smaller block data is not compressed
TRIM_WINDOWS = 16          # windows of postings between two heap trims


def approx_lengths(lengths: dict[str, array]) -> dict[str, np.ndarray]:
    """Per field, each document's length as the length column gives it back (one byte)."""
    table = np.asarray(_length_byte_cache, dtype=np.int64)
    out = {}
    for name, found in lengths.items():
        raw = np.frombuffer(found, dtype=np.int64) if len(found) else np.zeros(0, dtype=np.int64)
        out[name] = table[np.minimum(np.searchsorted(table, raw, "left"), 255)]
    return out


def write_postings(writer, pool: PostingPool, lengths: dict[str, np.ndarray], hot: termstore.HotWriter,
                   hot_min_df: int) -> None:
    """Every term of the pool, in field and term order, into the segment writer's field writer;
    terms with `hot_min_df` postings or more (of non-numeric fields) into `hot`."""
    fw, codec, schema = writer.fieldwriter, writer.codec, writer.schema
    if codec._inlinelimit > 1:
        raise ValueError("the batch writer never inlines postings")
    limit, level = codec._blocklimit, codec._compression
    hot_fields = termstore.hot_fields(schema)
    current = None
    for w, (cols, positions) in enumerate(pool.windows()):
        if w % TRIM_WINDOWS == TRIM_WINDOWS - 1:
            heap.trim()
        keys = cols["key"]
        starts = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))
        ends = np.append(starts[1:], len(keys))
        docs_np = cols["doc"].astype(np.int64)
        # Each block's docnums are delta-coded from 0 (W3PostingsWriter._mini_ids).
        deltas_np = docs_np.copy()
        deltas_np[1:] -= docs_np[:-1]
        block_first = (np.arange(len(keys)) - np.repeat(starts, ends - starts)) % limit == 0
        deltas_np[block_first] = docs_np[block_first]
        docs, deltas = docs_np.tolist(), deltas_np.tolist()
        weights = cols["weight"].astype(np.float64).tolist()
        npos = cols["npos"]
        text_rows = npos > 0
        values = encode_many(npos[text_rows], positions)
        text_before = np.cumsum(text_rows) - text_rows
        pos_before = np.cumsum(npos, dtype=np.int64) - npos
        for a, b, key in zip(starts.tolist(), ends.tolist(), keys[starts].tolist()):
            name = pool.key_field[key]
            if name != current:
                if current is not None:
                    fw.finish_field()
                fw.start_field(name, schema[name])
                current = name
            if text_rows[a]:
                t = int(text_before[a])
                term_values = values[t:t + b - a]
            else:
                term_values = [pool.values[v] for v in cols["vid"][a:b].tolist()]
            lens = lengths[name][docs_np[a:b]].tolist() if name in lengths else None
            info = write_term(fw._postfile, schema[name].format, docs[a:b], deltas[a:b], weights[a:b],
                              term_values, lens, limit, level)
            tbytes = pool.key_bytes[key]
            fw._tindex.add(pack_ushort(fw._fieldid) + tbytes, info.to_bytes())
            if b - a >= hot_min_df and name in hot_fields:
                p0 = int(pos_before[a])
                n = npos[a:b]
                hot.add(name, tbytes, docs_np[a:b], cols["weight"][a:b], n, positions[p0:p0 + int(n.sum())])
    if current is not None:
        fw.finish_field()


def write_term(postfile, fmt, docs: list, deltas: list, weights: list, values: list, lens: list | None,
               limit: int, level: int) -> W3TermInfo:
    """One term's posting blocks, as W3PostingsWriter writes them; its term info."""
    info = W3TermInfo()
    start = postfile.tell()
    fixed = fmt.fixed_value_size()
    n = len(docs)
    for x in range(0, n, limit):
        y = min(x + limit, n)
        w = weights[x:y]
        minlen, maxlen = (min(lens[x:y]), max(lens[x:y])) if lens else (None, 0)
        maxweight = max(w)
        if not maxweight > 0:
            maxweight = 0
        vs = [v for v in values[x:y] if v]
        if fixed is None or fixed < 0:
            vmini = tuple(vs)
        elif fixed == 0:
            vmini = None
        else:
            vmini = b"".join(vs)
        wmini = None if w.count(1.0) == len(w) else w[0] if w.count(w[0]) == len(w) else tuple(w)
        data = dumps((tuple(deltas[x:y]), wmini, vmini), 2)
        comp = level if len(data) >= COMPRESSION_MIN_SIZE else 0
        if comp:
            data = zlib.compress(data, comp)
        head = dumps((y - x, docs[y - 1], maxweight, comp, length_to_byte(minlen), length_to_byte(maxlen)), 2)
        if x == 0:
            postfile.write(WHOOSH3_HEADER_MAGIC)
        size = len(head) + len(data)
        postfile.write_int(-size if y == n else size)   # the last block's length is negative
        postfile.write(head)
        postfile.write(data)
        info._weight += sum(w)
        info._df += y - x
        info._minlength = minlen if info._minlength is None else min(info._minlength, minlen)
        info._maxlength = max(info._maxlength, maxlen)
        info._maxweight = max(info._maxweight, maxweight)
        if info._minid is None:
            info._minid = docs[x]
        info._maxid = docs[y - 1]
    info.set_extent(start, postfile.tell() - start)
    return info
