"""The dashboard: reports and publications per month, per institute and station, and the share of
the month's theme."""

from __future__ import annotations

import re
from datetime import datetime

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from pipeline import words
from pipeline.desk.auth import require_user
from pipeline.desk.charts import bars, grouped
from pipeline.desk.deps import NewsroomDep, StoreDep
from pipeline.desk.pages import institute_name, render_page
from pipeline.stories import reports_received, stories_published
from pipeline.timeutil import utcnow

router = APIRouter()


@router.get("/dashboard", response_class=HTMLResponse, dependencies=[Depends(require_user)])
def dashboard(request: Request, newsroom: NewsroomDep, store: StoreDep, month: str = "") -> HTMLResponse:
    local_now = utcnow().astimezone(newsroom.tz)
    month = month if re.fullmatch(r"\d{4}-\d{2}", month) else f"{local_now:%Y-%m}"
    with store.read() as conn:
        reports = reports_received(conn)
        published = stories_published(conn)

    def key(moment: datetime) -> str:
        return f"{moment.astimezone(newsroom.tz):%Y-%m}"

    months = sorted({key(r.created_at) for r in reports} | {key(p.published_at) for p in published})[-12:]
    per_month = [(words.desk.CHART_SERIES["reported"], [sum(1 for r in reports if key(r.created_at) == m) for m in months]),
                 (words.desk.CHART_SERIES["published"], [sum(1 for p in published if key(p.published_at) == m) for m in months])]
    by_institute: dict[str, int] = {}
    by_station: dict[str, int] = {}
    for row in published:
        if key(row.published_at) == month:
            institute = institute_name(newsroom, row.station_id) or words.desk.county_center()
            by_institute[institute] = by_institute.get(institute, 0) + 1
            name = newsroom.station_name(row.station_id)
            by_station[name] = by_station.get(name, 0) + 1
    reported: dict[str, int] = {}
    for row in reports:
        if key(row.created_at) == month:
            name = institute_name(newsroom, row.station_id) or words.desk.county_center()
            reported[name] = reported.get(name, 0) + 1
    themes = {newsroom.theme_name(th): 0 for th in newsroom.themes}
    for row in published:
        if key(row.published_at) == month and row.theme:
            themes[newsroom.theme_name(row.theme)] = themes.get(newsroom.theme_name(row.theme), 0) + 1
    month_theme = newsroom.monthly_themes.get(month)
    theme_name = newsroom.theme_name(month_theme) if month_theme else None
    total = sum(themes.values())
    share = round(themes.get(theme_name, 0) / total * 100) if theme_name and total else 0
    charts = {
        "months": grouped(months, per_month, words.desk.chart_title("months", month)),
        "reported": bars(sorted(reported.items(), key=lambda kv: -kv[1]), words.desk.chart_title("reported", month)),
        "institutes": bars(sorted(by_institute.items(), key=lambda kv: -kv[1]),
                           words.desk.chart_title("institutes", month)),
        "stations": bars(sorted(by_station.items(), key=lambda kv: -kv[1])[:15], words.desk.chart_title("stations", month)),
        "themes": bars(sorted(themes.items(), key=lambda kv: -kv[1]), words.desk.chart_title("themes", month),
                       highlight=theme_name),
    }
    return render_page(request, "dashboard.html", month=month, charts=charts, theme=theme_name, share=share,
                       total=total)
