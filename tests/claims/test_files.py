from __future__ import annotations

import io

import pytest
from PIL import Image

from autoclaim.claims.blobs import FileBlobStore
from autoclaim.claims.errors import CorruptFileError, FileTooLargeError, UnsupportedFileError
from autoclaim.claims.files import check_document, check_size, open_image, safe_filename


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), (200, 10, 10)).save(buffer, format="JPEG")
    return buffer.getvalue()


def test_paths_in_file_names_are_ignored() -> None:
    assert safe_filename("../../etc/passwd") == "passwd"
    assert safe_filename("C:\\Users\\me\\car.jpg") == "car.jpg"
    assert safe_filename("/") == "upload"
    assert safe_filename(None) == "upload"


def test_type_comes_from_content_and_corrupt_images_are_refused() -> None:
    info = open_image("car.jpg", _jpeg())
    assert (info.content_type, info.width, info.height) == ("image/jpeg", 32, 24)
    with pytest.raises(UnsupportedFileError, match=r"notes\.txt"):
        open_image("notes.txt", b"hello, not an image")
    with pytest.raises(CorruptFileError, match=r"broken\.jpg"):
        open_image("broken.jpg", _jpeg()[:60])
    with pytest.raises(UnsupportedFileError):
        open_image("doc.pdf", b"%PDF-1.4 ...")
    with pytest.raises(CorruptFileError):
        check_document("doc.pdf", b"%PDF-1.4 garbage")
    with pytest.raises(FileTooLargeError, match="100 bytes"):
        check_size("big.jpg", 101, 100)


def test_blobs_are_content_addressed(tmp_path) -> None:  # type: ignore[no-untyped-def]
    store = FileBlobStore(tmp_path)
    digest = store.put(b"abc")
    assert digest == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    assert store.put(b"abc") == digest and store.get(digest) == b"abc"
    assert (tmp_path / "ba" / "78" / digest).exists()
    with pytest.raises(KeyError):
        store.get("../../etc/passwd")
