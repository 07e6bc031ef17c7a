"""Loading a newsroom: good configuration loads; each kind of bad configuration is reported with
its file, line and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.config import ConfigError, NewsroomNotFound, find_newsroom, load_newsroom
from tests.conftest import replace_in_config


def problems_of(root: Path) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_newsroom(root)
    return [str(p) for p in caught.value.problems]


def line_of(root: Path, name: str, needle: str) -> int:
    for number, line in enumerate((root / name).read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {name}")


def append_station(root: Path, row: str) -> None:
    with (root / "stations.csv").open("a", encoding="utf-8") as handle:
        handle.write(row + "\n")


def test_a_fresh_newsroom_loads_with_defaults(newsroom_dir: Path) -> None:
    newsroom = load_newsroom(newsroom_dir)
    assert newsroom.site.timezone == "Asia/Shanghai"
    assert newsroom.publish.channels == ("export",)
    assert [s.name for s in newsroom.slots] == ["morning", "evening"]
    assert newsroom.slots[0].start.strftime("%H:%M") == "06:30"
    assert newsroom.themes["yifeng"].name == "移风易俗"
    assert newsroom.monthly_themes == {"2026-11": "yifeng"}
    assert newsroom.database_url.endswith("kitchen.db")
    assert newsroom.descendants("qiaotou") == {"qiaotou", "qiaotou-dongcun", "qiaotou-dongcun-24h"}
    assert newsroom.resolve_theme("理论宣讲") == "xuanjiang"


def test_malformed_toml_reports_its_line(newsroom_dir: Path) -> None:
    replace_in_config(newsroom_dir, 'language = "zh-CN"', 'language = "zh-CN')
    (problem,) = problems_of(newsroom_dir)
    assert problem.startswith(f"kitchen.toml 第{line_of(newsroom_dir, 'kitchen.toml', 'language =')}行：")
    assert "TOML 格式有误" in problem


def test_bad_timezone(newsroom_dir: Path) -> None:
    replace_in_config(newsroom_dir, 'timezone = "Asia/Shanghai"', 'timezone = "Asia/Shang_hai"')
    (problem,) = problems_of(newsroom_dir)
    line = line_of(newsroom_dir, "kitchen.toml", "timezone =")
    assert problem == f"kitchen.toml 第{line}行 site.timezone：“Asia/Shang_hai”不是已知的时区（例如 Asia/Shanghai）"


def test_bad_slot_time(newsroom_dir: Path) -> None:
    replace_in_config(newsroom_dir, 'time = "18:00"', 'time = "25:00"')
    (problem,) = problems_of(newsroom_dir)
    line = line_of(newsroom_dir, "kitchen.toml", '"25:00"')
    assert problem.startswith(f"kitchen.toml 第{line}行 loudspeaker.slots[1].time：")
    assert "“25:00”不是有效时刻" in problem


def test_unknown_channel(newsroom_dir: Path) -> None:
    replace_in_config(newsroom_dir, 'channels = ["export"]', 'channels = ["export", "weibo"]')
    (problem,) = problems_of(newsroom_dir)
    assert f"第{line_of(newsroom_dir, 'kitchen.toml', 'weibo')}行 publish.channels" in problem
    assert "没有频道“weibo”；已知的频道：export、loudspeaker、rss、web" in problem


def test_unknown_channel_kind(newsroom_dir: Path) -> None:
    with (newsroom_dir / "kitchen.toml").open("a", encoding="utf-8") as handle:
        handle.write('\n[channels.province]\nkind = "fax"\n')
    (problem,) = problems_of(newsroom_dir)
    assert "channels.province.kind：没有频道类型“fax”" in problem


def test_duplicate_station_id(newsroom_dir: Path) -> None:
    append_station(newsroom_dir, "baisha,白沙镇另一个所,institute,center,白沙镇,,32.0,120.0")
    (problem,) = problems_of(newsroom_dir)
    assert problem == "stations.csv 第8行 id：编号“baisha”重复（第一次出现在第6行）"


def test_unknown_parent_station(newsroom_dir: Path) -> None:
    append_station(newsroom_dir, "huangqiao-x,黄桥某站,station,huangqiao,黄桥镇,某村,32.0,120.0")
    (problem,) = problems_of(newsroom_dir)
    assert problem == "stations.csv 第8行 parent：“huangqiao”不是已知的站点"


def test_cycle_in_the_hierarchy(newsroom_dir: Path) -> None:
    append_station(newsroom_dir, "loop-a,甲点,point,loop-b,桥头镇,东村,32.0,120.0")
    append_station(newsroom_dir, "loop-b,乙点,point,loop-a,桥头镇,东村,32.0,120.0")
    problems = problems_of(newsroom_dir)
    assert any("上下级形成了循环：loop-a → loop-b → loop-a" in p for p in problems)
    assert all(p.startswith("stations.csv 第") for p in problems)


def test_parent_must_be_a_higher_level(newsroom_dir: Path) -> None:
    append_station(newsroom_dir, "odd,错挂的所,institute,qiaotou-dongcun,桥头镇,,32.0,120.0")
    (problem,) = problems_of(newsroom_dir)
    assert "第8行 parent：所“odd”不能放在站“qiaotou-dongcun”下面" in problem


def test_bad_level_and_coordinates(newsroom_dir: Path) -> None:
    append_station(newsroom_dir, "x1,某点,village,center,桥头镇,,32.0,120.0")
    append_station(newsroom_dir, "x2,某点,point,qiaotou-dongcun,桥头镇,东村,北纬32度,120.0")
    append_station(newsroom_dir, "x3,某点,point,qiaotou-dongcun,桥头镇,东村,132.0,120.0")
    problems = problems_of(newsroom_dir)
    assert "stations.csv 第8行 level：“village”不是 center|institute|station|point（中心|所|站|点）之一" in problems
    assert any(p.startswith("stations.csv 第9行 lat/lon：") for p in problems)
    assert any(p.startswith("stations.csv 第10行 lat/lon：") and "超出地球范围" in p for p in problems)


def test_missing_column_in_stations_header(newsroom_dir: Path) -> None:
    path = newsroom_dir / "stations.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",lat,lon", ",latitude,lon", 1), encoding="utf-8")
    (problem,) = problems_of(newsroom_dir)
    assert problem.startswith("stations.csv 第1行 表头：缺少列 lat；")


def test_required_fields_and_types(newsroom_dir: Path) -> None:
    replace_in_config(newsroom_dir, 'title = "测试县融媒体中心"', "title = 42")
    replace_in_config(newsroom_dir, 'base_url = "https://news.test.example.cn/"', 'base_url = "news.example.cn"')
    replace_in_config(newsroom_dir, "max_attempts = 8", 'max_attempts = "eight"')
    problems = problems_of(newsroom_dir)
    assert any("site.title：应当是加引号的文字，而不是 42" in p for p in problems)
    assert any("site.base_url：“news.example.cn”不是 http(s) 网址" in p for p in problems)
    assert any("publish.max_attempts：应当是整数" in p for p in problems)
    assert len(problems) == 3


def test_unknown_source_kind_and_station(newsroom_dir: Path) -> None:
    with (newsroom_dir / "kitchen.toml").open("a", encoding="utf-8") as handle:
        handle.write('\n[[sources]]\nid = "county-site"\nkind = "telegraph"\nstation = "nowhere"\n')
    problems = problems_of(newsroom_dir)
    line = line_of(newsroom_dir, "kitchen.toml", 'kind = "telegraph"')
    assert any(p.startswith(f"kitchen.toml 第{line}行 sources[1] (county-site).kind：没有来源类型“telegraph”")
               for p in problems)
    assert any("sources[1] (county-site).station：“nowhere”不是 stations.csv 里的站点" in p for p in problems)


def test_monthly_theme_must_exist(newsroom_dir: Path) -> None:
    replace_in_config(newsroom_dir, '"2026-11" = "yifeng"', '"2026-11" = "nosuch"')
    (problem,) = problems_of(newsroom_dir)
    assert "monthly_themes.2026-11：主题 'nosuch' 没有在 [themes] 里定义" in problem


def test_every_problem_is_reported_at_once(newsroom_dir: Path) -> None:
    replace_in_config(newsroom_dir, 'timezone = "Asia/Shanghai"', 'timezone = "Mars/Olympus"')
    replace_in_config(newsroom_dir, 'time = "06:30"', 'time = "6.30"')
    append_station(newsroom_dir, "baisha,重复,institute,center,白沙镇,,32.0,120.0")
    assert len(problems_of(newsroom_dir)) == 3


def test_stations_csv_saved_as_gbk_by_excel_is_read(newsroom_dir: Path) -> None:
    path = newsroom_dir / "stations.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("gb18030"))
    newsroom = load_newsroom(newsroom_dir)
    assert newsroom.stations["qiaotou"].name == "桥头镇新时代文明实践所"


def test_a_second_export_destination_is_a_channel_of_kind_export(newsroom_dir: Path) -> None:
    replace_in_config(newsroom_dir, 'channels = ["export"]', 'channels = ["export", "province"]')
    with (newsroom_dir / "kitchen.toml").open("a", encoding="utf-8") as handle:
        handle.write('\n[channels.province]\nkind = "export"\noutbox = "outbox/province"\n')
    newsroom = load_newsroom(newsroom_dir)
    assert newsroom.publish.channels == ("export", "province")
    assert newsroom.channel_options["province"] == {"kind": "export", "outbox": "outbox/province"}


def test_newsroom_is_found_from_a_subfolder_or_the_environment(newsroom_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(newsroom_dir / "inbox")
    assert find_newsroom() == newsroom_dir.resolve()
    monkeypatch.chdir(newsroom_dir.parent)
    monkeypatch.setenv("KITCHEN_NEWSROOM", str(newsroom_dir))
    assert find_newsroom() == newsroom_dir.resolve()
    monkeypatch.delenv("KITCHEN_NEWSROOM")
    with pytest.raises(NewsroomNotFound, match="kitchen init"):
        find_newsroom()


def test_cli_check_prints_problems_and_exits_2(kitchen, newsroom_dir: Path) -> None:
    replace_in_config(newsroom_dir, 'timezone = "Asia/Shanghai"', 'timezone = "Nowhere/Land"')
    output = kitchen("check", expect=2)
    assert "配置错误：kitchen.toml 第" in output
    assert "site.timezone：“Nowhere/Land”不是已知的时区" in output


def test_a_typo_in_a_known_table_is_not_silently_ignored(newsroom_dir: Path) -> None:
    replace_in_config(newsroom_dir, 'timezone = "Asia/Shanghai"', 'timezon = "UTC"')
    replace_in_config(newsroom_dir, "publish_every_seconds = 30", "publish_every_second = 30")
    replace_in_config(newsroom_dir, "\nminutes = 15", "\nminute = 15")
    problems = problems_of(newsroom_dir)
    assert any("site.timezon：没有这项设置；是不是“timezone”？" in p for p in problems)
    assert any("daemon.publish_every_second：没有这项设置；是不是“publish_every_seconds”？" in p
               for p in problems)
    assert any("loudspeaker.slots[1].minute：没有这项设置；是不是“minutes”？" in p for p in problems)


def test_stations_from_a_chinese_spreadsheet(newsroom_dir: Path) -> None:
    rows = ["编号\t名称\t级别\t上级\t镇\t村\t纬度\t经度",
            "center\t测试县新时代文明实践中心\t中心\t\t城关镇\t\t32.0\t120.0",
            "qiaotou\t桥头镇新时代文明实践所\tInstitute\tcenter\t桥头镇\t\t31.95\t119.9"]
    (newsroom_dir / "stations.csv").write_bytes("\r\n".join(rows).encode("utf-16"))  # Excel "Unicode text"
    newsroom = load_newsroom(newsroom_dir)
    assert newsroom.stations["center"].level == "center"
    assert newsroom.stations["qiaotou"].level == "institute"


def test_children_of_a_broken_row_are_not_called_unknown(newsroom_dir: Path) -> None:
    append_station(newsroom_dir, "x1,某所,township,center,桥头镇,,32.0,120.0")
    append_station(newsroom_dir, "x2,某站,station,x1,桥头镇,某村,32.0,120.0")
    problems = problems_of(newsroom_dir)
    assert problems == ["stations.csv 第8行 level：“township”不是 center|institute|station|point（中心|所|站|点）之一",
                        "stations.csv 第9行 parent：“x1”本身在第8行有错误"]


def test_a_stations_file_with_only_a_header_is_an_error(newsroom_dir: Path) -> None:
    (newsroom_dir / "stations.csv").write_text("id,name,level,parent,township,village,lat,lon\n", encoding="utf-8")
    assert problems_of(newsroom_dir) == ["stations.csv：没有列出任何站点；请在表头下每行写一个实践站点"]


def add_source(root: Path, text: str) -> None:
    with (root / "kitchen.toml").open("a", encoding="utf-8") as handle:
        handle.write("\n[[sources]]\n" + text)


def test_crawled_sources_are_checked_where_people_go_wrong(newsroom_dir: Path) -> None:
    add_source(newsroom_dir, 'id = "qiaotou-site"\nkind = "site"\nstart_urls = ["http://127.0.0.1:8765/q/index.html"]\n'
                             'allowed_domains = ["qiaotou.gov.cn"]\narticle_links = "css:ul.list li a["\n'
                             'next_page = "re:(unclosed"\n[sources.fields]\nbody = "xpath://div[@id=\'zoom\'"\n'
                             '[sources.station_from]\nurl = {"/binhe/" = "no-such-station"}\n')
    add_source(newsroom_dir, 'id = "feed"\nkind = "feed"\nurl = ""\n')
    add_source(newsroom_dir, 'id = "wx"\nkind = "wechat"\n')
    problems = problems_of(newsroom_dir)
    text = "\n".join(problems)
    # The source kinds' own checks word their messages; the place is the configuration's.
    assert "sources[1] (qiaotou-site).article_links：" in text and "css:ul.list li a[" in text
    assert "sources[1] (qiaotou-site).next_page：" in text and "re:(unclosed" in text
    body_line = line_of(newsroom_dir, "kitchen.toml", "body = ")
    assert f"kitchen.toml 第{body_line}行 sources[1] (qiaotou-site).fields.body：" in text
    assert "allowed_domains：" in text and "127.0.0.1" in text
    assert "station_from.url：“/binhe/”对应的“no-such-station”不是 stations.csv 里的站点" in text
    assert "sources[2] (feed).url：" in text
    assert "sources[3] (wx).start_urls：" in text


def test_control_characters_in_the_configuration_are_refused_with_file_line_and_field(newsroom_dir: Path) -> None:
    """The config door keeps the rule of every other door: text with control characters is a
    clear error, never a site title or station name that stops a build."""
    root = newsroom_dir
    replace_in_config(root, 'title = "测试县', 'title = "\\u0001测试县')
    with (root / "stations.csv").open("a", encoding="utf-8") as handle:
        handle.write("badname,坏\x08站,station,center,城关镇,,,\n")
    with pytest.raises(ConfigError) as caught:
        load_newsroom(root)
    text = str(caught.value)
    assert "kitchen.toml 第4行 site.title：含有控制字符（U+0001），请删除" in text
    assert "stations.csv 第8行 name：含有控制字符（U+0008），请删除" in text


def test_a_chinese_slot_name_is_refused_pointing_at_title(newsroom_dir: Path) -> None:
    """Issue 13 item 2: `name` is the slot's id; its Chinese name goes in `title`."""
    replace_in_config(newsroom_dir, 'name = "morning"\ntitle = "早间"', 'name = "早间"')
    (problem,) = problems_of(newsroom_dir)
    line = line_of(newsroom_dir, "kitchen.toml", 'name = "早间"')
    assert problem == (f"kitchen.toml 第{line}行 loudspeaker.slots[0].name：“早间”不能做时段的 name：name 是编号，"
                       "只能用小写字母、数字、- 或 _（例如 morning）；中文名称请写在 title 里：title = \"早间\"")
    replace_in_config(newsroom_dir, 'name = "早间"', 'name = "morning"\ntitle = "早间"')
    assert load_newsroom(newsroom_dir).slots[0].label == "早间"


def test_the_podcast_owner_email_is_a_site_setting_empty_by_default(newsroom_dir: Path) -> None:
    assert load_newsroom(newsroom_dir).site.email == ""
    replace_in_config(newsroom_dir, 'email = ""', 'email = "broadcast@qinglan.gov.cn"')
    assert load_newsroom(newsroom_dir).site.email == "broadcast@qinglan.gov.cn"
    replace_in_config(newsroom_dir, 'email = "broadcast@qinglan.gov.cn"', 'email = "广播站"')
    (problem,) = problems_of(newsroom_dir)
    assert "site.email：“广播站”不是邮箱地址" in problem
