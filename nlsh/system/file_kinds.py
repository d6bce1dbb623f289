"""What kind of file a name is: the extension families ``file.find`` searches by.

A kind is a set of extensions (lower case, without the dot); ``large`` has none and means
"any file of at least LARGE_BYTES". ``kind_of`` names the family of a found file for the
results table.
"""

from __future__ import annotations

LARGE_BYTES = 100 * 1024**2

EXTENSIONS: dict[str, frozenset[str]] = {
    "pdf": frozenset({"pdf"}),
    "image": frozenset({"jpg", "jpeg", "png", "gif", "webp", "bmp", "tif", "tiff", "svg",
                        "heic", "heif", "raw", "cr2", "nef", "arw", "dng", "ico", "avif"}),
    "video": frozenset({"mp4", "mkv", "avi", "mov", "webm", "m4v", "wmv", "flv", "mpg",
                        "mpeg", "3gp", "ts", "ogv"}),
    "audio": frozenset({"mp3", "flac", "ogg", "oga", "opus", "wav", "m4a", "aac", "wma",
                        "aiff", "alac"}),
    "archive": frozenset({"zip", "tar", "gz", "tgz", "bz2", "tbz2", "xz", "txz", "zst",
                          "7z", "rar", "lz", "lzma", "cpio", "deb", "rpm"}),
    "iso": frozenset({"iso", "img"}),
    "document": frozenset({"doc", "docx", "odt", "rtf", "xls", "xlsx", "ods", "csv", "ppt",
                           "pptx", "odp", "txt", "md", "tex", "epub", "pages", "numbers",
                           "key"}),
    "source": frozenset({"py", "js", "ts", "tsx", "jsx", "c", "h", "cc", "cpp", "hpp", "rs",
                         "go", "java", "kt", "rb", "php", "sh", "bash", "zsh", "pl", "lua",
                         "swift", "cs", "scala", "sql", "r", "m", "hs", "ml", "el", "vim",
                         "mjs", "cjs", "vue", "dart", "zig", "nim", "ex", "exs", "erl"}),
    "log": frozenset({"log"}),
    "large": frozenset(),
}
# What a kind is called in messages ("3 pdfs", "no videos").
PLURALS = {"pdf": "pdfs", "image": "images", "video": "videos", "audio": "audio files",
           "archive": "archives", "iso": "disk images", "document": "documents",
           "source": "source files", "log": "log files", "large": "large files"}
# The phrases the faithfulness layer reads after "except"/"not" as a kind left out.
KIND_WORDS: dict[str, str] = {
    "pdf": "pdf", "pdfs": "pdf", "image": "image", "images": "image", "photos": "image",
    "pictures": "image", "video": "video", "videos": "video", "movies": "video",
    "music": "audio", "songs": "audio", "mp3s": "audio", "audio": "audio",
    "archive": "archive", "archives": "archive", "zips": "archive", "tarballs": "archive",
    "iso": "iso", "isos": "iso", "documents": "document", "docs": "document",
    "logs": "log", "log files": "log", "source": "source", "code": "source",
    "scripts": "source", "picture": "image", "photo": "image", "movie": "video",
    "song": "audio", "tarball": "archive", "spreadsheets": "document",
    "spreadsheet": "document", "document": "document",
}


# Words that name one extension, narrower than their kind ("png pictures": png only).
EXTENSION_WORDS: dict[str, str] = {
    **{e: e for e in ("png", "jpg", "jpeg", "gif", "webp", "svg", "mp4", "mkv", "avi", "mov",
                      "webm", "mp3", "flac", "ogg", "wav", "zip", "rar", "docx", "odt", "xlsx",
                      "csv", "epub")},
    **{e + "s": e for e in ("png", "jpg", "gif", "mp4", "mkv", "mp3", "zip", "csv", "svg")},
}


def extension_of(name: str) -> str:
    """``report.PDF`` → ``pdf``; ``archive.tar.gz`` → ``gz``; no dot (or a dotfile) → ``""``."""
    dot = name.rfind(".")
    return name[dot + 1:].lower() if dot > 0 else ""


def kind_of(name: str) -> str:
    """The family of ``name`` by its extension, or ``other``."""
    extension = extension_of(name)
    if extension:
        for kind, extensions in EXTENSIONS.items():
            if extension in extensions:
                return kind
    return "other"
