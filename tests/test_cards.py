"""Cards and posters: drawn from recipes, stored once per revision and recipe, QR codes that read
back, a designed fallback without a photo, and bad photos that never stop a card."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageStat

from pipeline.config import load_newsroom
from pipeline.ingest import ingest_all
from pipeline.render.cards import CardData, draw_card, recipe_named
from pipeline.render.renditions import render, renditions_dir, stored
from pipeline.store import open_store
from pipeline.stories import Actor, story_events
from pipeline.workflow import perform
from tests.conftest import NOW, make_newsroom, write_report

EDITOR = Actor("王编辑", "editor")


def photo(path: Path, size=(1600, 1200)) -> Path:
    """A photo with a detailed subject on the right and plain sky on the left."""
    image = Image.new("RGB", size, "#87b5d9")
    for x in range(size[0] * 2 // 3, size[0] - 40, 40):
        for y in range(size[1] // 3, size[1] - 40, 40):
            if (x // 40 + y // 40) % 2:
                image.paste((30, 90, 40), (x, y, x + 40, y + 40))
    image.save(path, "JPEG", quality=90)
    return path


@pytest.fixture
def newsroom_with_stories(tmp_path: Path):
    root = make_newsroom(tmp_path / "newsroom", channels='["web", "rss"]')
    photo(root / "inbox" / "p.jpg")
    write_report(root, "a.md", title="东村新时代文明实践站开展“板凳课堂”理论宣讲，六十余名村民参加",
                 extra="images:\n  - file: p.jpg\n    caption: 宣讲现场\n")
    write_report(root, "b.md", title="新桥村志愿者清扫河道", station="baisha-xinqiao", date="2026-11-21 08:00",
                 body="新桥村30名志愿者沿河清理垃圾，还向村民宣传护河知识。")
    Image.new("RGB", (50, 50), "#336699").save(root / "inbox" / "tiny.jpg")
    write_report(root, "c.md", title="东村举办移风易俗宣讲", date="2026-11-22 10:00",
                 body="东村红白理事会向村民宣讲婚事新办、丧事简办。", extra="images:\n  - file: tiny.jpg\n")
    newsroom = load_newsroom(root)
    store = open_store(newsroom)
    ids = ingest_all(newsroom, store, now=NOW).story_ids
    with store.begin() as conn:
        for story_id in ids:
            perform(conn, newsroom, story_id, "approve", EDITOR, NOW)
    return newsroom, store, ids


def card(newsroom, store, story_id, kind) -> tuple[Image.Image, dict]:
    with store.read() as conn:
        found = stored(conn, story_id, 1, kind)
    assert found is not None, (story_id, kind)
    data = (renditions_dir(newsroom) / found.files["main"]).read_bytes()
    return Image.open(io.BytesIO(data)), found.meta


def test_every_card_is_made_at_its_size_with_its_text_and_photo(newsroom_with_stories) -> None:
    newsroom, store, (a, b, c) = newsroom_with_stories
    summary = render(newsroom, store, NOW, kinds=["card-cover", "card-square", "card-poster"])
    assert len(summary.made) == 9 and not summary.failed
    for kind, size in (("card-cover", (1200, 630)), ("card-square", (1080, 1080)), ("card-poster", (1080, 1920))):
        image, meta = card(newsroom, store, a, kind)
        assert image.size == size and meta["drawn"]["photo"] == "photo"
        assert ImageStat.Stat(image.convert("L")).stddev[0] > 20  # not blank
        title = next(t for t in meta["drawn"]["texts"] if t["field"] == "title")
        assert "".join(title["lines"]).startswith("东村新时代文明实践站") and title["size"] > 0
    image, meta = card(newsroom, store, b, "card-cover")
    assert meta["drawn"]["photo"] == "fallback" and ImageStat.Stat(image.convert("L")).stddev[0] > 5


def test_the_title_region_is_really_drawn(newsroom_with_stories) -> None:
    newsroom, _, _ = newsroom_with_stories
    recipe = recipe_named(newsroom.root, "square")
    font = newsroom.render.font_path
    data = CardData("东村开展板凳课堂理论宣讲", "东村文明实践站", "2026年11月20日", "移风易俗", "测试县融媒体中心", "摘要", "", "")
    with_title, _ = draw_card(recipe, data, None, font)
    without, _ = draw_card(recipe, CardData("", data.station, data.date, data.theme, data.site, data.summary, "", ""),
                           None, font)
    left, top, width, height = next(box.box for box in recipe.texts if box.field == "title")
    changed = ImageChops.difference(with_title, without).crop((left, top, left + width, top + height)).convert("L")
    assert sum(changed.histogram()[65:]) > 2000  # ink where the title goes
    outside = ImageChops.difference(with_title, without).crop((0, 0, 1080, 700)).convert("L")
    assert outside.getbbox() is None  # and nowhere else


def test_the_poster_qr_code_reads_back_as_the_story_address(newsroom_with_stories) -> None:
    import zxingcpp

    newsroom, store, (a, _, _) = newsroom_with_stories
    render(newsroom, store, NOW, kinds=["card-poster"], story_ids=[a])
    image, meta = card(newsroom, store, a, "card-poster")
    (found,) = zxingcpp.read_barcodes(image)
    assert found.text == meta["drawn"]["qr"]["url"]
    assert found.text.startswith(newsroom.site.base_url) and f"/{a}-" in found.text


def test_a_bad_photo_is_skipped_with_its_reason_and_the_card_still_made(newsroom_with_stories) -> None:
    newsroom, store, (_, _, c) = newsroom_with_stories
    summary = render(newsroom, store, NOW, kinds=["card-cover"], story_ids=[c])
    assert summary.made == [(c, "card-cover")] and summary.warnings
    image, meta = card(newsroom, store, c, "card-cover")
    assert meta["drawn"]["photo"] == "fallback" and "无法使用，已跳过" in meta["warnings"][0]
    with store.read() as conn:
        events = [e for e in story_events(conn, c) if e.action == "render-warning"]
    assert events and events[0].note.startswith("卡片 cover：") and "已跳过" in events[0].note


def test_renditions_are_made_again_only_when_the_recipe_or_revision_changes(newsroom_with_stories) -> None:
    newsroom, store, (a, _, _) = newsroom_with_stories
    assert len(render(newsroom, store, NOW, kinds=["card-cover"], story_ids=[a]).made) == 1
    assert render(newsroom, store, NOW, kinds=["card-cover"], story_ids=[a]).made == []
    override = newsroom.root / "templates" / "cards" / "cover.toml"
    override.parent.mkdir(parents=True, exist_ok=True)
    shipped = recipe_named(None, "cover").source
    override.write_text(shipped.replace('shade = "#000000"', 'shade = "#003366"'), encoding="utf-8")
    assert render(newsroom, store, NOW, kinds=["card-cover"], story_ids=[a]).made == [(a, "card-cover")]
    files = list(renditions_dir(newsroom).rglob("*.jpg"))
    assert len(files) == 2 and not list(renditions_dir(newsroom).rglob(".tmp-*"))


def test_a_broken_recipe_is_a_clear_failure_and_other_stories_go_on(newsroom_with_stories) -> None:
    newsroom, store, (a, b, _) = newsroom_with_stories
    override = newsroom.root / "templates" / "cards" / "square.toml"
    override.parent.mkdir(parents=True, exist_ok=True)
    override.write_text('size = [1080, 1080]\n[[text]]\nfield = "headline"\nbox = [0, 0, 10, 10]\n', encoding="utf-8")
    summary = render(newsroom, store, NOW, kinds=["card-square", "card-cover"], story_ids=[a, b])
    assert {kind for _, kind, _ in summary.failed} == {"card-square"}
    assert "text[0].field" in summary.failed[0][2] and "headline" in summary.failed[0][2]
    assert sorted(summary.made) == [(a, "card-cover"), (b, "card-cover")]


def test_a_site_name_too_long_for_the_cards_is_said_once_and_the_short_name_is_used(tmp_path: Path) -> None:
    """Issue 13, item 10: the cards show the site's short name when there is one; a name a card
    still has to cut (`青岚县融媒体中心 · 新…`) is said once per render run, suggesting
    `[site] short_name`, not silently cut on every card."""
    from tests.conftest import Kitchen, replace_in_config

    root = make_newsroom(tmp_path / "newsroom", channels='["web", "rss"]')
    replace_in_config(root, 'title = "测试县融媒体中心"', 'title = "青岚县融媒体中心 · 新时代文明实践中心"')
    write_report(root, "a.md", title="东村开展板凳课堂理论宣讲")
    write_report(root, "b.md", title="新桥村志愿者清扫河道", station="baisha-xinqiao")
    newsroom = load_newsroom(root)
    store = open_store(newsroom)
    a, b = ingest_all(newsroom, store, now=NOW).story_ids
    with store.begin() as conn:
        for story_id in (a, b):
            perform(conn, newsroom, story_id, "approve", EDITOR, NOW)
    summary = render(newsroom, store, NOW, kinds=["card-cover"])
    assert len(summary.made) == 2 and not summary.warnings
    (note,) = summary.notes  # once, however many cards were cut
    assert note.startswith("网站名称“青岚县融媒体中心 · 新时代文明实践中心”在“卡片 cover”上放不下，显示为“")
    assert note.endswith("请在 kitchen.toml 的 [site] 里设置 short_name（简称）")
    _, meta = card(newsroom, store, a, "card-cover")
    (logo,) = [t for t in meta["drawn"]["texts"] if t["field"] == "site"]
    assert logo["truncated"] and logo["lines"][0].endswith("…") and f"显示为“{logo['lines'][0]}”" in note
    output = Kitchen(root)("render", "--kind", "card-cover", "--force")
    assert output.count("short_name") == 1

    replace_in_config(root, 'short_name = ""', 'short_name = "青岚融媒"')
    newsroom = load_newsroom(root)
    summary = render(newsroom, store, NOW, kinds=["card-cover"], force=True)
    assert len(summary.made) == 2 and summary.notes == []
    _, meta = card(newsroom, store, a, "card-cover")
    (logo,) = [t for t in meta["drawn"]["texts"] if t["field"] == "site"]
    assert logo["lines"] == ["青岚融媒"] and not logo["truncated"]
    assert "short_name" not in Kitchen(root)("render", "--kind", "card-cover", "--force")


@pytest.mark.parametrize(("toml", "said"), [
    ("size = [100]", "cover.toml：size：应当是 [宽, 高]，两个 16 到 8000 之间的整数像素，而不是 [100]"),
    ('size = [1080, 1080]\nformat = "gif"', "cover.toml：format：只能是 jpeg、png 之一，而不是 'gif'"),
    ('size = [1080, 1080]\n[fallback]\ncolors = ["#ffffff"]', "cover.toml：fallback.colors：应当列出两种颜色"),
    ('size = [1080, 1080]\n[fallback]\nmotif = "stars"', "cover.toml：fallback.motif：只能是 rays、rings、plain 之一"),
    ('size = [1080, 1080]\n[[text]]\nfield = "title"\nbox = [0, 0, 10, 10]\nmax_lines = "two"',
     "cover.toml：text[0].max_lines：应当是整数，而不是 'two'"),
    ('size = [1080, 1080]\nphoto = "big"', "cover.toml：photo：应当是一个表，而不是 'big'"),
    ("size = [1080", "cover.toml：TOML 格式有误："),
])
def test_check_says_in_chinese_what_is_wrong_with_a_card_recipe(tmp_path: Path, toml: str, said: str) -> None:
    """Issue 13 review: a newsroom's bad card recipe is named in Chinese by `kitchen check`, the
    key as the file writes it; no English sentence and no raw Python error."""
    from tests.conftest import Kitchen

    root = make_newsroom(tmp_path / "newsroom", channels='["web", "rss"]')
    override = root / "templates" / "cards" / "cover.toml"
    override.parent.mkdir(parents=True)
    override.write_text(toml + "\n", encoding="utf-8")
    output = Kitchen(root)("check", expect=1)
    assert "未就绪：渲染 card-cover: " in output and said in output
    assert "must " not in output and "Error" not in output
