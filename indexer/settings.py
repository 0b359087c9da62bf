"""One settings object with documented defaults; nothing is read at import time."""
from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path


def _default_jobs() -> int:
    return os.cpu_count() or 1


@dataclass(frozen=True)
class Settings:
    """Everything configurable, with defaults a user can run with (docs/configuration.md).

    Attributes:
        index_dir: Where snapshots, the CURRENT pointer, the lock and the record cache live.
        pdf_engine: 'pdfium' (default, ~40x faster) or 'pdfplumber'; both give the same record.
        jobs: Worker processes for extract+parse, and index writers (default: number of cores).
        part_docs: Most documents one index part (a Whoosh segment) holds: a bigger corpus is
            written as more parts, `jobs` at a time, so a writer's memory follows this, not the
            corpus (~0.8 GB a writer at 125k-250k; see docs/performance.md).
        scheduler: 'tcp://host:port' of a Dask scheduler to parse on a cluster instead.
        max_file_bytes: Files larger than this are skipped as too large (a letter is ~100 KB).
        max_pages: PDFs with more pages are skipped (letters have 1-20 pages).
        max_extract_seconds: CPU seconds one file may take to extract and parse (a letter takes
            ~0.01-0.5 s); a file over it is skipped, saying so (indexer.ingest.limits). 0: none.
        max_extract_memory: Bytes of memory one file's extraction may add (a letter needs a few
            MB); a file over it is skipped, saying so. 0: none.
        max_field_chars: Characters of one text field (a summary, an item's heading, guideline or
            rationale) that are stored, analysed and shown (a rationale is ~1-10 thousand); longer
            ones are cut at parse time, the letter says so and its original file keeps the whole
            text. 0: none (docs/security.md, Limits and faults).
        max_items: Items of one letter that are kept (a letter has 1-20); later ones are left out
            at parse time, the letter says so. 0: none.
        max_letter_chars: Characters of text one letter keeps in all its fields (a letter has
            ~5-50 thousand); fields past it are cut. 0: none.
        max_other_items: Items of the same letter listed under a search hit ("Also in this
            letter"); the others are counted.
        max_similar_items: Items of a letter page that get their similar decisions looked up (the
            others link to a page that looks theirs up).
        highlight_cache_chars: Characters of highlighted texts (a hit's rationale, a letter's
            summary) each serving process remembers with their words, so a text shown again is not
            split and analysed again (~14 bytes of memory a character; indexer.search.show.occurrences).
            Private to each worker process: docs/performance.md, "Worker memory".
        letter_store_cache_kib: KiB of SQLite's page cache for each serving thread's connection
            to the letter store (SQLite's default is 2 MB; the file's pages are in the system's
            cache anyway, shared by every process). 0: SQLite's default.
        keep_snapshots: How many published snapshots to keep (current + rollback targets).
        cache_dir: The record cache and remembered file hashes (default: INDEX_DIR/cache).
        rehash: Read and hash every source file, not trusting remembered hashes of files whose
            size, times and inode are unchanged (indexer.ingest.hashcache).
        connection_limit: `imr serve`: open connections at most (waitress stops accepting beyond).
        client_connections: `imr serve`: connections one client address may hold; more are
            closed at once (0: no cap; behind a reverse proxy every client has its address).
        request_timeout: `imr serve`: seconds a connection has to send a whole request (of
            connecting, or of its previous answer) before it is closed.
        site_url: `imr serve` (env IMR_SITE_URL): the site's public address
            ('https://imr.example.org'); absolute links (exports' letter_url, feed links, citations)
            start with it. None: the request's own host, which a client can set (Host header): set
            it when serving the public.
        fetch_site: `imr fetch`: the base address of the DWC's IMR decision search (a mirror or a
            replay may stand in for it).
        fetch_contact: `imr fetch`: who the DWC can reach about this fetcher (an e-mail or URL), sent
            in the User-Agent; required to fetch from the network (not for --dry-run).
        fetch_delay: `imr fetch`: seconds at least between two requests (one request at a time).
        fetch_timeout: `imr fetch`: seconds one request may take before it is retried.
        fetch_retries: `imr fetch`: retries of one request after a timeout, 429 or 5xx, with back-off
            (doubling from fetch_delay, at least 2 s; Retry-After honoured up to 15 min).
        fetch_max_requests: `imr fetch`: requests one run makes at most (retries count); the run
            then stops cleanly and the next one continues.
        fetch_window_days: `imr fetch`: days of decisions one search asks for.
        fetch_window_results: `imr fetch`: a window whose total is larger is split in two (a search
            of more results is not paged through: 100 pages of 25).
    """

    index_dir: Path = Path("index")
    pdf_engine: str = "pdfium"
    jobs: int = field(default_factory=_default_jobs)
    part_docs: int = 250_000
    scheduler: str | None = None
    max_file_bytes: int = 25 * 1024 * 1024
    max_pages: int = 200
    max_extract_seconds: int = 60
    max_extract_memory: int = 1024 * 1024 * 1024
    max_field_chars: int = 64_000
    max_items: int = 100
    max_letter_chars: int = 500_000
    max_other_items: int = 10
    max_similar_items: int = 10
    highlight_cache_chars: int = 250_000
    letter_store_cache_kib: int = 256
    keep_snapshots: int = 3
    cache_dir: Path | None = None
    rehash: bool = False
    connection_limit: int = 500
    client_connections: int = 50
    request_timeout: float = 10.0
    site_url: str | None = None
    fetch_site: str = "https://www.dir.ca.gov"
    fetch_contact: str | None = None
    fetch_delay: float = 1.0
    fetch_timeout: float = 60.0
    fetch_retries: int = 4
    fetch_max_requests: int = 10_000
    fetch_window_days: int = 7
    fetch_window_results: int = 2_500

    @property
    def record_cache(self) -> Path:
        """Directory of cached letter records (default: INDEX_DIR/cache)."""
        return Path(self.cache_dir) if self.cache_dir else Path(self.index_dir) / "cache"

    def with_(self, **changes) -> "Settings":
        """A copy with some fields changed (None values are ignored)."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})
