"""Opening story photos safely (every input here is made by the test) and cropping them well."""

from __future__ import annotations

import io
import random
import struct
import time
import zlib

import numpy as np
import pytest
from PIL import Image, ImageCms, ImageFile

from pipeline.media import BadImage, inspect_image, media_path
from pipeline.model import ImageRef
from pipeline.render.images import web_renditions
from pipeline.render.photos import crop_box, crop_to, open_photo


def encode(image: Image.Image, fmt: str, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def noisy(width: int, height: int, seed: int = 1) -> Image.Image:
    """A photo-like image: random colour blotches, so that JPEG has real work to do."""
    blotches = np.random.default_rng(seed).integers(0, 256, (max(1, height // 10), max(1, width // 10), 3))
    return Image.fromarray(blotches.astype(np.uint8)).resize((width, height), Image.Resampling.BICUBIC)


def png_header(width: int, height: int) -> bytes:
    """A tiny PNG that declares a 1-bit grey image of any size; its pixel data is not valid."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\xff" * 64))
            + chunk(b"IEND", b""))


def centre_pixel(image: Image.Image) -> tuple[int, ...]:
    return image.getpixel((image.width // 2, image.height // 2))


# --- refusing what cannot be used -----------------------------------------------------------

def test_random_bytes_are_not_a_photo(tmp_path):
    path = tmp_path / "noise.jpg"
    path.write_bytes(random.Random(7).randbytes(5000))
    with pytest.raises(BadImage, match="不是能读的图片"):
        open_photo(path)


def test_truncated_jpeg_is_reported_as_damaged(tmp_path):
    data = encode(noisy(600, 400), "JPEG", quality=90)
    path = tmp_path / "cut.jpg"
    path.write_bytes(data[: len(data) * 6 // 10])
    with pytest.raises(BadImage, match="已损坏"):
        open_photo(path)


def test_png_with_broken_pixel_data_is_reported_as_damaged():
    with pytest.raises(BadImage, match="已损坏"):
        open_photo(png_header(300, 300))


def test_html_page_is_not_a_photo():
    page = b"<!DOCTYPE html><html><head><title>404</title></head><body>Not found</body></html>"
    with pytest.raises(BadImage, match="不是能读的图片"):
        open_photo(page)


def test_missing_file_says_it_cannot_be_read(tmp_path):
    with pytest.raises(BadImage, match="读不了图片文件"):
        open_photo(tmp_path / "gone.jpg")


def test_tiny_photo_is_refused_with_its_size():
    with pytest.raises(BadImage) as caught:
        open_photo(encode(Image.new("RGB", (50, 50), "red"), "PNG"))
    assert str(caught.value) == "图片只有 50×50 像素，短边至少要 200 像素"


def test_small_photo_is_accepted_when_the_caller_allows_it():
    assert open_photo(encode(Image.new("RGB", (50, 50), "red"), "PNG"), min_side=10).size == (50, 50)


@pytest.mark.parametrize("side", [7_000, 20_000])
def test_decompression_bomb_is_refused_from_the_header(side, monkeypatch):
    decoded = []
    real_load = ImageFile.ImageFile.load
    monkeypatch.setattr(ImageFile.ImageFile, "load", lambda self: decoded.append(self) or real_load(self))
    limit = Image.MAX_IMAGE_PIXELS
    bomb = png_header(side, side)
    assert len(bomb) < 200
    with pytest.raises(BadImage, match="解压炸弹"):
        open_photo(bomb)
    assert decoded == []
    assert limit == Image.MAX_IMAGE_PIXELS


def test_bomb_is_refused_even_when_pillow_limit_is_switched_off(monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", None)
    with pytest.raises(BadImage, match="20000×20000 像素"):
        open_photo(png_header(20_000, 20_000))


# --- turning what can be used into plain upright RGB ----------------------------------------

def test_cmyk_jpeg_keeps_its_colours():
    red = encode(Image.new("CMYK", (300, 300), (0, 255, 255, 0)), "JPEG", quality=95)
    image = open_photo(red)
    assert image.mode == "RGB"
    r, g, b = centre_pixel(image)
    assert r > 220 and g < 40 and b < 40


@pytest.mark.parametrize(("mode", "fmt"), [("I;16", "PNG"), ("I", "TIFF")])
def test_sixteen_bit_grey_is_scaled_to_eight_bits(mode, fmt):
    image = open_photo(encode(Image.new(mode, (300, 300), 32768), fmt))
    assert image.mode == "RGB"
    assert all(abs(channel - 128) <= 1 for channel in centre_pixel(image))


def test_transparent_png_is_put_on_white():
    picture = Image.new("RGBA", (300, 300), (0, 0, 0, 0))
    picture.paste((255, 0, 0, 128), (0, 0, 150, 300))
    image = open_photo(encode(picture, "PNG"))
    assert image.mode == "RGB"
    assert image.getpixel((250, 150)) == (255, 255, 255)
    r, g, b = image.getpixel((50, 150))
    assert r == 255 and 120 <= g <= 135 and g == b


def test_palette_png_with_a_transparent_colour_is_put_on_white():
    picture = Image.new("P", (300, 300), 0)
    picture.putpalette([0, 0, 0, 0, 128, 0] + [0] * 762)
    picture.paste(1, (0, 0, 150, 300))
    image = open_photo(encode(picture, "PNG", transparency=0))
    assert image.getpixel((250, 150)) == (255, 255, 255)
    assert image.getpixel((50, 150)) == (0, 128, 0)


def test_grey_with_alpha_is_put_on_white():
    image = open_photo(encode(Image.new("LA", (300, 300), (0, 0)), "PNG"))
    assert centre_pixel(image) == (255, 255, 255)


def test_exif_rotated_jpeg_comes_out_upright():
    stored = Image.new("RGB", (400, 300), "blue")
    stored.paste((255, 0, 0), (0, 0, 400, 100))  # red along the stored top edge
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to display"
    image = open_photo(encode(stored, "JPEG", quality=95, exif=exif.tobytes()))
    assert image.size == (300, 400)
    red, blue = image.getpixel((280, 200)), image.getpixel((20, 200))
    assert red[0] > 200 and red[2] < 60 and blue[2] > 200 and blue[0] < 60


def test_rotation_and_max_side_together():
    exif = Image.Exif()
    exif[0x0112] = 6
    image = open_photo(encode(noisy(1200, 800), "JPEG", exif=exif.tobytes()), max_side=600)
    assert image.size == (400, 600)


def test_metadata_is_stripped():
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # camera make; phones also write the GPS position
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    data = encode(noisy(400, 300), "JPEG", exif=exif.tobytes(), icc_profile=srgb)
    image = open_photo(data)
    assert image.info == {} and len(image.getexif()) == 0


def test_broken_colour_profile_is_ignored():
    image = open_photo(encode(Image.new("RGB", (300, 300), (10, 200, 30)), "JPEG", icc_profile=b"junk"))
    r, g, b = centre_pixel(image)
    assert r < 30 and g > 180 and b < 50


def test_large_jpeg_opens_fast_at_reduced_size(tmp_path):
    path = tmp_path / "big.jpg"
    path.write_bytes(encode(noisy(4000, 3000), "JPEG", quality=90))
    started = time.perf_counter()
    image = open_photo(path, max_side=1600)
    reduced = time.perf_counter() - started
    started = time.perf_counter()
    full = open_photo(path)
    print(f"\n4000×3000 JPEG: {reduced * 1000:.0f} ms with max_side=1600, "
          f"{(time.perf_counter() - started) * 1000:.0f} ms at full size")
    assert image.size == (1600, 1200) and full.size == (4000, 3000)


def test_bytes_and_paths_give_the_same_photo(tmp_path):
    data = encode(noisy(400, 300), "PNG")
    (tmp_path / "a.png").write_bytes(data)
    assert open_photo(data).tobytes() == open_photo(tmp_path / "a.png").tobytes()
    assert open_photo(data).tobytes() == open_photo(str(tmp_path / "a.png")).tobytes()


# --- cropping ---------------------------------------------------------------------------------

def plain_with_subject(width: int, height: int, box: tuple[int, int, int, int]) -> Image.Image:
    """A flat grey picture with a high-contrast checkerboard in `box`."""
    image = Image.new("RGB", (width, height), (120, 130, 140))
    left, top, right, bottom = box
    cells = (np.indices((bottom - top, right - left)) // 10).sum(axis=0) % 2 * 255
    image.paste(Image.fromarray(cells.astype(np.uint8)).convert("RGB"), (left, top))
    return image


@pytest.mark.parametrize(("size", "subject", "aspect"), [
    ((1200, 800), (1000, 300, 1180, 500), 9 / 16),   # far right, tall crop
    ((1200, 800), (20, 300, 200, 500), 9 / 16),      # far left
    ((800, 1200), (300, 1000, 500, 1180), 16 / 9),   # bottom, wide crop
    ((2000, 1000), (1500, 100, 1700, 300), 1.0),     # off-centre, square crop
])
def test_crop_keeps_the_detailed_subject(size, subject, aspect):
    left, top, right, bottom = crop_box(plain_with_subject(*size, subject), aspect)
    assert left <= subject[0] and top <= subject[1] and right >= subject[2] and bottom >= subject[3]


def test_crop_keeps_the_subject_of_a_noisy_photo():
    picture = np.asarray(plain_with_subject(1200, 800, (1000, 300, 1180, 500)), dtype=np.int16)
    grain = np.random.default_rng(3).normal(0, 12, picture.shape)
    photo = Image.fromarray(np.clip(picture + grain, 0, 255).astype(np.uint8))
    left, _, right, _ = crop_box(photo, 9 / 16)
    assert left <= 1000 and right >= 1180


def test_uniform_image_is_cropped_in_the_centre():
    left, top, right, bottom = crop_box(Image.new("RGB", (1200, 800), "tan"), 9 / 16)
    assert (top, bottom) == (0, 800)
    assert abs(left - (1200 - right)) <= 1


@pytest.mark.parametrize("size", [(1, 1), (7, 300), (300, 7), (640, 480), (1600, 1200), (1080, 1920)])
@pytest.mark.parametrize("aspect", [0.1, 9 / 16, 3 / 4, 1.0, 4 / 3, 16 / 9, 10.0])
def test_crop_box_is_inside_the_image_with_the_right_aspect(size, aspect):
    left, top, right, bottom = crop_box(noisy(*size, seed=size[0]), aspect)
    assert 0 <= left < right <= size[0] and 0 <= top < bottom <= size[1]
    width, height = right - left, bottom - top
    assert width == size[0] or height == size[1]  # the largest window: it spans one whole side
    if min(width, height) > 1:
        assert abs(width - height * aspect) <= 1 or abs(height - width / aspect) <= 1


@pytest.mark.parametrize("target", [(1080, 1920), (1080, 1080), (1280, 720), (300, 200), (2000, 500)])
def test_crop_to_gives_exactly_the_requested_size(target):
    picture = crop_to(plain_with_subject(1200, 800, (1000, 300, 1180, 500)), *target)
    assert picture.size == target and picture.mode == "RGB"


# --- one opener for cards, clips, the import and the site's renditions -----------------------

def test_the_import_refuses_a_bomb_from_its_header_like_cards_do():
    with pytest.raises(BadImage, match="图片“bomb.png”有 7000×7000 像素.*解压炸弹"):
        inspect_image(png_header(7_000, 7_000), "bomb.png")


def test_web_renditions_are_upright_srgb_from_the_same_opener(tmp_path):
    exif = Image.Exif()
    exif[0x0112] = 6
    stored = Image.new("CMYK", (600, 400), (0, 255, 255, 0))  # red, lying on its side
    media = tmp_path / "media"
    ref = ImageRef(sha256="ab" * 32, ext="jpg")
    media_path(media, ref.sha256, ref.ext).parent.mkdir(parents=True)
    media_path(media, ref.sha256, ref.ext).write_bytes(encode(stored, "JPEG", quality=95, exif=exif.tobytes()))
    made = web_renditions(media, tmp_path / "cache", ref)
    assert made is not None and [(w, h) for w, h, _ in made.sizes] == [(400, 600)]
    with Image.open(tmp_path / "cache" / made.largest.lstrip("/")) as rendition:
        assert rendition.mode == "RGB" and len(rendition.getexif()) == 0
        r, g, b = centre_pixel(rendition)
    assert r > 220 and g < 40 and b < 40


def test_web_renditions_of_a_bomb_are_none(tmp_path):
    ref = ImageRef(sha256="cd" * 32, ext="png")
    media_path(tmp_path, ref.sha256, ref.ext).parent.mkdir(parents=True)
    media_path(tmp_path, ref.sha256, ref.ext).write_bytes(png_header(20_000, 20_000))
    assert web_renditions(tmp_path, tmp_path / "cache", ref) is None
