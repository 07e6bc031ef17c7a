"""Every word a user reads is Chinese: a detector of user-visible English in a page or a text, and
a walk over every page of the desk (found from the app's routes, so a new page is walked too) on a
newsroom that has something on each: stories in every state, a duplicate, photos and cards, ingest
errors, a schedule with waiting, failed and delivered rows, and a loudspeaker package.

Identifiers may stay English where they are identifiers: addresses, file names, `kitchen`
commands and their options, config sections and keys, format names (RSS, JSON, HTTP 404, …) and
the user names people chose. Anything else in ASCII letters is English that slipped through."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterable
from datetime import timedelta
from html import escape as html_escape
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from PIL import Image

from pipeline import ledger
from pipeline.config import load_newsroom
from pipeline.desk.app import ROUTERS, create_app
from pipeline.desk.users import add_user
from pipeline.ingest import ingest_all
from pipeline.model import PackageUnit
from pipeline.render.renditions import render
from pipeline.schedule import publish_due, rebuild_packages
from pipeline.store import open_store
from pipeline.stories import Actor
from pipeline.timeutil import utcnow
from pipeline.workflow import perform
from tests.conftest import make_newsroom, replace_in_config, write_report
from tests.test_desk import PASSWORD, csrf_of, log_in

# Names of formats, standards and tools that stay as they are inside a Chinese sentence.
ALLOWED = frozenset({
    "RSS", "Atom", "HTTP", "HTTPS", "ID", "JSON", "CSV", "SRT", "VTT", "MP3", "MP4", "URL", "QR", "TTS", "CSRF",
    "HTML", "Markdown", "LUFS", "JPEG", "JPG", "PNG", "PDF", "GPS", "EXIF", "SVG", "DOCX", "Word", "WPS", "UTC",
    "htmx", "kitchen", "toml", "Excel", "ninjs", "AI",
})
# Elements whose text is not prose (code, identifiers) or not shown.
HIDDEN = ("script", "style", "template", "code", "kbd", "samp", "rt", "rp")  # rt: pinyin over the spoken script
# Attributes a person reads (or hears from a screen reader).
SHOWN_ATTRIBUTES = ("alt", "title", "placeholder", "aria-label", "label")
IDENTIFIERS = [
    re.compile(r"[a-z][a-z0-9+.-]*://\S+"),                       # addresses
    re.compile(r"[^\s，。；：、（）()\"']*/[^\s，。；：、（）()\"']*"),  # paths: inbox/<站点编号>/, /stations/x/
    re.compile(r"\b[a-z_]+:\s*<[^>]*>"),                           # a file's key and its placeholder: station: <…>
    re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+"),                     # e-mail addresses
    re.compile(r"\bkitchen(\s+[a-z][a-z-]*)?"),                   # a command and its subcommand
    re.compile(r"--[a-z][\w-]*(=\S+)?"),                          # its options
    re.compile(r"\[\[?[a-z_.]+\]\]?(\s+[a-z_]+)?"),               # config sections and a key: [publish] channels
    re.compile(r"\b[a-z_]+\s*=\s*(\"[^\"]*\"|'[^']*'|\S+)"),     # key = "value"
    re.compile(r"[\w-]+\.(toml|csv|md|markdown|txt|json|docx|jpe?g|png|webp|gif|mp3|mp4|wav|srt|vtt|xml|html?|log|db)\b",
               re.IGNORECASE),                                    # file names
]
TOKEN = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_'.-]*")


def visible_texts(html: str) -> list[str]:
    """What a person reads on a page: its text (not scripts, styles, code), the page title, and
    the attributes that are read out (alt, title, aria-label, placeholder, label)."""
    document = lxml.html.document_fromstring(html) if html.strip() else None
    if document is None:
        return []
    for element in document.iter(lxml.etree.Comment):
        element.drop_tree()
    for name in HIDDEN:
        for element in document.iter(name):
            element.drop_tree()
    texts = [text for text in document.itertext() if text.strip()]
    for element in document.iter():
        if not isinstance(element.tag, str):
            continue
        texts += [element.get(attribute) for attribute in SHOWN_ATTRIBUTES if (element.get(attribute) or "").strip()]
        if element.tag in ("input", "button") and element.get("type") in ("submit", "button", "reset"):
            texts += [element.get("value") or ""]
    return texts


def english_words(text: str, allow: Iterable[str] = ()) -> list[str]:
    """The English words in `text` (an HTML page, when it looks like one, or plain text): ASCII
    words of two letters or more, after identifiers are taken out — addresses, paths, file names,
    commands and options, config keys, tokens with digits (ids, numbers, units) — and outside
    the allow-list of format names (case matters: `RSS` is a format, `rss` a channel's id)."""
    allowed = ALLOWED | set(allow)
    pieces = visible_texts(text) if re.search(r"<[a-zA-Z!/][^>]*>", text) else [text]
    found = []
    for piece in pieces:
        for pattern in IDENTIFIERS:
            piece = pattern.sub(" ", piece)
        for token in TOKEN.findall(piece):
            token = token.strip("'.-")
            if token in allowed or any(ch.isdigit() for ch in token):
                continue
            found += [part for part in re.split(r"[-_.']", token) if len(part) >= 2 and part not in allowed]
    return found


def english_fragments(text: str, allow: Iterable[str] = ()) -> dict[str, list[str]]:
    """The visible fragments of a page that hold English, with their words (for a failure message)."""
    pieces = visible_texts(text) if re.search(r"<[a-zA-Z!/][^>]*>", text) else [text]
    return {piece.strip()[:160]: words for piece in pieces if (words := english_words(piece, allow))}


# --- the detector itself -------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("<td>pending</td>", ["pending"]),
    ("<td>broadcast:2026-12-08:evening:liuxi</td>", ["broadcast", "evening", "liuxi"]),
    ("<label><input type=checkbox value=web> web</label>", ["web"]),
    ("<p>duplicate-source · 84% alike</p>", ["duplicate", "source", "alike"]),
    ('<img alt="card-cover" src="/renditions/ab/x.jpg">', ["card", "cover"]),
    ("<p>station is missing (add 'station: &lt;id&gt;')</p>", ["station", "is", "missing", "add"]),
    ("<title>Not Found</title>", ["Not", "Found"]),
    ('<p>订阅 RSS：<a href="/feed.xml">东村</a></p>', []),
    ("<p>网页抓取失败：HTTP 404（https://a.example.cn/x?y=1）</p>", []),
    ("<p>在 kitchen.toml 的 [publish] channels 里加上 \"loudspeaker\"</p>", ["loudspeaker"]),
    ('<p>kitchen.toml 里没有农村大喇叭渠道（kind = "loudspeaker"）</p>', []),
    ("<p>下一次采集（kitchen ingest 或 kitchen run --due）会再试；文件 r01.md、photo.jpg</p>", []),
    ("<p>约 44 秒，响度 -16.0 LUFS，640x360，第 3 版</p>", []),
    ("<script>var x = 'English';</script><style>p { color: red }</style><p>中文<!-- a comment --></p>", []),
    ('<p data-note="hidden words" class="state state-pending">待发送</p>', []),
    ("<code>qiaotou-dongcun</code> 东村", []),
    ("<p>正文（Markdown）</p>", []),
    ("reading time: about 44秒", ["reading", "time", "about"]),
    ("缺少站点：请在文件开头加一行 station: <站点编号或名称>，或把文件放进 inbox/<站点编号>/ 文件夹", []),
    ("page: HTTP 404", ["page"]),
    ("not valid JSON: Expecting property", ["not", "valid", "Expecting", "property"]),
])
def test_the_detector_finds_english_and_leaves_identifiers(text: str, expected: list[str]) -> None:
    assert english_words(text) == expected


def test_the_detector_takes_an_allow_list_and_reads_shown_attributes() -> None:
    assert english_words("<span>wang（管理员）</span>", allow={"wang"}) == []
    assert english_words('<button title="Save the draft">保存</button>') == ["Save", "the", "draft"]
    assert english_words('<input type="submit" value="Send">') == ["Send"]
    assert english_fragments("<td>已发送</td><td>web</td>") == {"web": ["web"]}


# --- the walk over the desk ----------------------------------------------------------------------

PEOPLE = {"zhao", "wang", "li", "wuzhuti"}  # the users' names, and a theme id an editor's form sent (echoed)
FILES = ("/media/", "/renditions/", "/static/")  # photos, cards, clips, scripts: no words


@pytest.fixture
def busy_newsroom(tmp_path: Path) -> dict[str, Any]:
    """A newsroom with something on every desk page, its desk, and an admin logged in."""
    root = make_newsroom(tmp_path / "newsroom", channels='["web", "rss", "loudspeaker"]')
    shutil.copyfile(Path(__file__).parents[1] / "assets" / "demo" / "stations.csv", root / "stations.csv")
    replace_in_config(root, "[channels.export]", '[channels.loudspeaker]\nengine = "none"\n\n[channels.export]')
    newsroom = load_newsroom(root)
    now = utcnow()
    yesterday = (now.astimezone(newsroom.tz) - timedelta(days=1)).date()
    Image.new("RGB", (1600, 1200), "#3366aa").save(root / "inbox" / "photo.jpg", "JPEG")
    body = "东村文明实践站开展板凳课堂，60余名村民参加，宣讲员用方言讲解政策。"
    write_report(root, "a.md", title="东村开展板凳课堂理论宣讲", station="qiaotou-dongcun", date=f"{yesterday} 09:30",
                 body=body, extra="images:\n  - file: photo.jpg\n    caption: 宣讲现场\n")
    write_report(root, "a-copy.md", title="东村开展板凳课堂理论宣讲", station="qiaotou-dongcun",
                 date=f"{yesterday} 09:30", body=body)
    for n, (name, station, title) in enumerate([
        ("b.md", "qiaotou-liujia", "刘家村举办移风易俗宣讲"), ("c.md", "chengguan-binhe", "滨河社区开展垃圾分类宣传"),
        ("d.md", "baisha-xinqiao", "新桥村志愿者清扫河道"), ("e.md", "qingshi-lingtou", "岭头村义诊进村"),
        ("f.md", "chengguan-fangzhi", "纺织公司职工志愿服务"), ("g.md", "qiaotou-dongcun-24h", "东村24小时实践点开放"),
    ]):
        write_report(root, name, title=title, station=station, date=f"{yesterday} {10 + n}:00",
                     body=f"{title}，村民踊跃参加，现场气氛热烈。")
    (root / "inbox" / "h.md").write_text(f"---\ntitle: 沙湾村清理河岸\ndate: {yesterday} 15:00\nstation: baisha-shawan\n"
                                        "theme: 环境保护\n---\n沙湾村志愿者清理河岸垃圾。\n", encoding="utf-8")  # a flag
    (root / "inbox" / "no-station.md").write_text("---\ntitle: 没有站点的稿件\n---\n正文。\n", encoding="utf-8")
    (root / "inbox" / "broken.json").write_text("{not json", encoding="utf-8")
    store = open_store(newsroom)
    ids = ingest_all(newsroom, store, now=now).story_ids
    a, b, c, d, e, f, g = ids[:7]
    editor, chief = Actor("wang", "editor"), Actor("li", "chief")
    with store.begin() as conn:
        add_user(conn, "zhao", "admin", PASSWORD, now)
        add_user(conn, "wang", "editor", PASSWORD, now)
        perform(conn, newsroom, a, "approve", editor, now, channels=["web", "rss", "loudspeaker"])
        perform(conn, newsroom, b, "approve", editor, now, channels=["web", "loudspeaker"])
        perform(conn, newsroom, c, "submit", editor, now)
        perform(conn, newsroom, d, "approve", editor, now, at=now + timedelta(days=2))  # waits in the schedule
        perform(conn, newsroom, e, "reject", chief, now, note="内容与上周重复")
    render(newsroom, store, now, kinds=["card-cover"], story_ids=[a])
    publish_due(newsroom, store, now=now)
    with store.begin() as conn:
        perform(conn, newsroom, b, "kill", chief, now, note="信息有误")  # a retraction in the ledger
        perform(conn, newsroom, f, "approve", editor, now, channels=["rss"])
        failed = ledger.list_publications(conn, story_id=f)[0]
        conn.execute(ledger.P.update().where(ledger.P.c.id == failed.id).values(state="failed",
                                                                                 last_error="订阅源写入失败"))
    tomorrow = (now.astimezone(newsroom.tz) + timedelta(days=1)).date()
    rebuild_packages(newsroom, store, [PackageUnit(tomorrow, newsroom.slots[0].name, "qiaotou")])
    client = TestClient(create_app(root), follow_redirects=False)
    log_in(client, "zhao")
    return {"newsroom": newsroom, "store": store, "client": client, "ids": ids, "day": tomorrow, "g": g}


def desk_routes(method: str) -> set[str]:
    """The paths of the desk's routes taking `method`, from the routers the app mounts."""
    return {route.path for router in ROUTERS for route in router.routes
            if isinstance(route, APIRoute) and method in route.methods}


def desk_get_pages() -> list[str]:
    """Every GET route of the desk that answers with a page (files are not pages)."""
    return sorted(path for path in desk_routes("GET") if not path.startswith(FILES))


def test_every_desk_page_is_in_chinese(busy_newsroom) -> None:
    client: TestClient = busy_newsroom["client"]
    ids = busy_newsroom["ids"]
    day, slot = busy_newsroom["day"], busy_newsroom["newsroom"].slots[0].name
    # the addresses of each GET route, with its variants (filters, notices) and the pages its refusals show
    addresses = {
        "/": ["/", "/?state=published", "/?state=rejected", "/?station=qiaotou", "/?source=inbox"],
        "/login": ["/login"],
        "/dashboard": ["/dashboard"],
        "/schedule": ["/schedule", "/schedule?days=31", "/schedule?channel=rss"],
        "/broadcast": [f"/broadcast?day={day}&slot={slot}&target=qiaotou", "/broadcast?slot=nowhere"],
        "/stories/{story_id}": [f"/stories/{n}" for n in ids] + ["/stories/999999", "/stories/abc"],
        "/stories/{story_id}/preview": [f"/stories/{ids[0]}/preview"],
    }
    routes = desk_get_pages()
    assert {"/", "/schedule", "/stories/{story_id}"} <= set(routes)  # the routes really were found
    assert set(routes) <= set(addresses), f"a new desk page: add it to the walk: {set(routes) - set(addresses)}"
    pages = {address: "" for route in routes for address in addresses[route]}
    pages["/no/such/page"] = ""

    # a refusal of an unknown slot echoes the address's id and names the ids it may use
    echoes = {"/broadcast?slot=nowhere": {"nowhere", *(s.name for s in busy_newsroom["newsroom"].slots)}}
    problems: dict[str, Any] = {}
    for address in pages:
        answer = client.get(address)
        assert "text/html" in answer.headers["content-type"], address
        found = english_fragments(answer.text, allow=PEOPLE | echoes.get(address, set()))
        if found:
            problems[address] = found
    # the forms: each POST route once, and the page it leads to (logging out last)
    posts = _post_everything(busy_newsroom, client)
    post_routes = desk_routes("POST")
    assert {"/login", "/stories/{story_id}/edit"} <= post_routes
    assert post_routes <= set(posts), f"a new desk form: add it to the walk: {post_routes - set(posts)}"
    for route, answer in posts.items():
        found = english_fragments(answer, allow=PEOPLE)
        if found:
            problems[f"POST {route}"] = found
    assert not problems, "English on the desk:\n" + "\n".join(f"{page}: {found}" for page, found in problems.items())


def _post_everything(world: dict[str, Any], client: TestClient) -> dict[str, str]:
    """Each form of the desk sent once (some refused on purpose); the page each one leads to."""
    a, b, c, d, e, f, g = world["ids"][:7]
    unit = str(PackageUnit(world["day"], world["newsroom"].slots[0].name, "qiaotou"))
    token = csrf_of(client, "/")
    with world["store"].read() as conn:
        failed = ledger.list_publications(conn, state="failed")[0].id

    def send(path: str, data: dict[str, Any]) -> str:
        answer = client.post(path, data={"csrf": token, **data})
        if answer.status_code == 303:
            answer = client.get(answer.headers["location"])
        return answer.text

    pages = {
        "/stories/{story_id}/edit": send(f"/stories/{g}/edit", {"title": "东村24小时实践点开放", "body": "改过的正文。",
                                                                "station": "qiaotou-dongcun-24h", "theme": "wuzhuti"}),
        "/stories/{story_id}/do/{action}": send(f"/stories/{c}/do/approve", {"channels": ["web", "loudspeaker"]}),
        "/stories/{story_id}/photos": send(f"/stories/{a}/photos", {"cover": "0", "order": ["x"]}),
        "/stories/{story_id}/correct": send(f"/stories/{a}/correct", {"title": "东村开展板凳课堂理论宣讲",
                                                                      "body": "更正后的正文。", "note": "人数更正"}),
        "/schedule/{row_id}/retry": send(f"/schedule/{failed}/retry", {}),
        "/errors/retry": send("/errors/retry", {}),
        "/broadcast/edit": send("/broadcast/edit", {"unit": unit, "ref": str(a), "op": "pin"}),
        "/broadcast/build": send("/broadcast/build", {"unit": unit}),
        "/login": client.post("/login", data={"csrf": token, "name": "zhao", "password": "wrong"}).text,
    }
    # refusals: a state that does not allow the action, a missing note, a retry of a row that did not fail
    pages["refused: approve a rejected story"] = send(f"/stories/{e}/do/approve", {})
    pages["refused: kill without a note"] = send(f"/stories/{a}/do/kill", {"note": ""})
    pages["refused: retry twice"] = send(f"/schedule/{failed}/retry", {})
    pages["refused: GET-only address posted"] = client.post("/dashboard", data={"csrf": token}).text
    pages["/logout"] = send("/logout", {})
    return pages


# --- what the announcer reads and plays ---------------------------------------------------------

# Manifest fields that are identifiers for machines (the players and the ledger), not for people.
MACHINE_FIELDS = frozenset({"kind", "ref", "unit", "slot", "date", "air_time", "engine", "voice", "files", "file",
                            "audio", "sha256", "target", "rundown_hash", "loudness", "format", "rewritten"})


def _human_strings(value: Any, key: str = "") -> Iterable[str]:
    if key in MACHINE_FIELDS:
        return
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for inner_key, inner in value.items():
            yield from _human_strings(inner, inner_key)
    elif isinstance(value, list):
        for inner in value:
            yield from _human_strings(inner, key)


def test_the_loudspeaker_package_is_in_chinese(busy_newsroom) -> None:
    """The announcer's script (text and the page with pinyin), the playlist and the manifest's
    human fields of a package the ledger delivered."""
    newsroom, day = busy_newsroom["newsroom"], busy_newsroom["day"]
    folder = newsroom.root / "outbox" / "loudspeaker" / day.isoformat() / newsroom.slots[0].name / "qiaotou"
    files = {path.name: path for path in folder.iterdir()}
    assert {"script.txt", "script.html", "manifest.json"} <= set(files)
    problems: dict[str, Any] = {}
    for name, path in files.items():
        if name.endswith((".txt", ".m3u", ".m3u8")):
            found = english_fragments(f"<p>{html_escape(path.read_text(encoding='utf-8'))}</p>")
        elif name.endswith(".html"):
            found = english_fragments(path.read_text(encoding="utf-8"))
        elif name == "manifest.json":
            manifest = json.loads(path.read_text(encoding="utf-8"))
            found = {text: words for text in _human_strings(manifest)
                     if (words := english_words(text))}
        else:
            continue
        if found:
            problems[name] = found
    assert not problems, f"English in the package: {problems}"
    script = files["script.txt"].read_text(encoding="utf-8")
    assert newsroom.slots[0].label in script.splitlines()[0]  # the header names the slot as people say it
