"""What a person sees in the explorer, checked against what the API answers."""

import re
from urllib.parse import parse_qs, urlsplit

from playwright.async_api import expect

from db.engine import create_engine
from db.enums import KeyScope
from iati.importing import IatiFile, import_files
from tests.explorer.conftest import BUILD, Site, Watched, screenshot
from tests.iati.conftest import FILES
from tests.service.test_live import _key

CAMEROON = "UHJvamVjdDoy"  # Project:2, cameroon-women-empowerment
QUERIES = BUILD.parent / "queries"
UNMAPPABLE = FILES / "unmappable.xml"


def _number(text: str) -> int:
    return int(re.sub(r"\D", "", text))


async def test_the_overview_shows_the_apis_figures(page: Watched, site: Site) -> None:
    data = await site.graphql(
        "{ projects { totalCount } partners { totalCount } "
        "projectStats { total { people { targeted { value } womenTargeted { value } } } } }"
    )
    await page.page.goto(f"{site.base}/#/")
    figures = page.page.get_by_test_id
    await expect(figures("figure-projects")).to_have_text(str(data["projects"]["totalCount"]))
    await expect(figures("figure-partners")).to_have_text(str(data["partners"]["totalCount"]))
    people = data["projectStats"]["total"]["people"]
    assert _number(await figures("figure-people").inner_text()) == int(people["targeted"]["value"])
    women = _number(await figures("figure-women").inner_text())
    assert women == int(people["womenTargeted"]["value"])
    await expect(figures("figure-women-share")).to_contain_text("65 %")
    # The map shades (and links) exactly the countries the projects work in or with.
    countries = await site.graphql("{ projectStats(groupBy: COUNTRY) { buckets { key } } }")
    shaded = page.page.locator(".world-map a.map-country")
    await expect(shaded.first).to_be_visible()
    codes = {await country.get_attribute("data-code") for country in await shaded.all()}
    assert codes == {b["key"] for b in countries["projectStats"]["buckets"]}
    for chart in await page.page.locator("canvas").all():
        assert await chart.get_attribute("role") == "img"
        assert await chart.get_attribute("aria-label")
    await screenshot(page.page, "overview")

    # Every chart and the map can be read as a table.
    toggles = page.page.get_by_role("button", name=re.compile("table", re.IGNORECASE))
    count = await toggles.count()
    assert count >= 4
    for index in range(count):
        await toggles.nth(index).click()
    assert await page.page.locator("table").count() >= count


async def test_the_cameroon_project_page(page: Watched, site: Site) -> None:
    await page.page.goto(f"{site.base}/#/projects/{CAMEROON}")
    by_id = page.page.get_by_test_id
    await expect(by_id("project-people-targeted")).to_have_text("5,000")
    await expect(by_id("project-women-share")).to_contain_text("65 %")
    await expect(by_id("project-funder")).to_contain_text("KOICA")
    data = await site.graphql(
        f'{{ node(id: "{CAMEROON}") {{ ... on Project {{ title '
        "partners(role: FUNDING) { partner { acronym } } sources { excerpt } } } }"
    )
    project = data["node"]
    await expect(by_id("project-title")).to_have_text(project["title"])
    assert [p["partner"]["acronym"] for p in project["partners"]] == ["KOICA"]

    # Each figure's source passage is a click away.
    sources = by_id("sources").first
    await sources.locator("summary").click()
    excerpt = project["sources"][0]["excerpt"]
    await expect(sources).to_contain_text(excerpt[:40])
    await screenshot(page.page, "project")


async def test_filters_page_and_open_a_project(page: Watched, site: Site) -> None:
    await page.page.goto(f"{site.base}/#/projects")
    rows = page.page.get_by_test_id("project-row")
    await expect(rows).to_have_count(10)
    await page.page.get_by_test_id("page-next").click()
    await expect(rows).to_have_count(7)

    koica = await site.graphql(
        '{ projects(filter: {partner: {codes: ["koica"], role: FUNDING}}, first: 100) '
        "{ totalCount edges { node { code } } } }"
    )
    await page.page.get_by_label("Funding partner").select_option("koica")
    await page.page.get_by_test_id("filter-apply").click()
    await expect(rows).to_have_count(koica["projects"]["totalCount"])
    shown = {await row.get_attribute("data-code") for row in await rows.all()}
    assert shown == {e["node"]["code"] for e in koica["projects"]["edges"]}

    await page.page.get_by_label(re.compile("search", re.IGNORECASE)).fill("Cameroon")
    await page.page.get_by_test_id("filter-apply").click()
    await expect(rows).to_have_count(1)
    await page.page.get_by_test_id("project-link").click()
    await expect(page.page).to_have_url(re.compile(f"#/projects/{CAMEROON}$"))
    await expect(page.page.get_by_test_id("project-people-targeted")).to_have_text("5,000")


async def test_the_partner_network_leads_to_pages(page: Watched, site: Site) -> None:
    await page.page.goto(f"{site.base}/#/partners")
    await expect(page.page.get_by_test_id("network")).to_be_visible()
    nodes = page.page.get_by_test_id("network-node")
    kinds = {await node.get_attribute("data-kind") for node in await nodes.all()}
    assert {"funder", "programme", "project"} <= kinds
    funders = page.page.locator('[data-testid="network-node"][data-kind="funder"]')
    await funders.filter(has_text="KOICA").get_by_role("link").first.click()
    await expect(page.page).to_have_url(re.compile("#/partners/"))
    await expect(page.page.get_by_role("heading", level=1)).to_contain_text("Korea International")


async def test_every_page_links_to_its_query_in_graphiql(page: Watched, site: Site) -> None:
    for route, query_file in (
        ("#/", "overview.graphql"),
        ("#/projects", "projects.graphql"),
        (f"#/projects/{CAMEROON}", "project.graphql"),
        ("#/partners", "partners.graphql"),
    ):
        await page.page.goto(f"{site.base}/{route}")
        # The page's own query's link comes first; a section asking its own (the overview's
        # finance charts) has its link after it.
        link = page.page.get_by_test_id("graphiql-link").first
        await expect(link).to_be_visible()
        href = await link.get_attribute("href") or ""
        parameters = parse_qs(urlsplit(href).query)
        assert urlsplit(href).path == "/graphql"
        assert parameters["q"] == [(QUERIES / query_file).read_text()], route
        graphiql = await site.api.get(href, headers={"Accept": "text/html"})
        assert "graphiql" in graphiql.text.lower()


async def test_at_phone_width_nothing_scrolls_sideways(phone: Watched, site: Site) -> None:
    for route in ("#/", "#/projects", f"#/projects/{CAMEROON}", "#/partners"):
        await phone.page.goto(f"{site.base}/{route}")
        # The page's own link, the first: a finance or funding-flow section has its own.
        link = phone.page.get_by_test_id("graphiql-link").first
        await expect(link).to_be_visible(timeout=15000)
        width = await phone.page.evaluate("document.scrollingElement.scrollWidth")
        assert width <= 375, route


async def test_the_filters_are_labelled_and_reachable_by_keyboard(
    page: Watched, site: Site
) -> None:
    await page.page.goto(f"{site.base}/#/projects")
    for label in ("Country", "Theme", "Status", "Funding partner"):
        await expect(page.page.get_by_label(label)).to_be_visible()
    focused = []
    for _ in range(12):
        await page.page.keyboard.press("Tab")
        focused.append(await page.page.evaluate("document.activeElement.id"))
    assert any(name.startswith("filter-country") for name in focused)


async def test_a_failing_query_is_shown_not_thrown(page: Watched, site: Site) -> None:
    await page.page.goto(f"{site.base}/#/projects/not-an-id")
    await expect(page.page.get_by_test_id("error")).to_be_visible()
    page.console_errors.clear()  # the browser logs the failed answer; the page handled it


async def test_a_project_page_updates_when_the_project_changes(
    page: Watched, site: Site, fresh_database_url: str
) -> None:
    """Live refresh over graphql-ws in the browser: the transport every other client uses."""
    await page.page.goto(f"{site.base}/#/projects/{CAMEROON}")
    title = page.page.get_by_test_id("project-title")
    await expect(title).not_to_have_text("")
    admin = await _key(fresh_database_url, "explorer-live", KeyScope.ADMIN)
    await page.page.wait_for_timeout(500)  # the page subscribes once it has rendered
    [version] = [
        (await site.graphql(f'{{ node(id: "{CAMEROON}") {{ ... on Project {{ version }} }} }}'))[
            "node"
        ]["version"]
    ]
    response = await site.api.post(
        "/graphql",
        json={
            "query": "mutation ($id: ID!, $v: Int!) { updateProject(input: "
            '{id: $id, version: $v, title: "Renamed while watched"}) { project { version } } }',
            "variables": {"id": CAMEROON, "v": version},
        },
        headers={"Authorization": f"Bearer {admin}"},
    )
    assert "errors" not in response.json(), response.json()
    await expect(title).to_have_text("Renamed while watched", timeout=10000)


async def test_a_status_code_outside_the_codelist_is_shown_as_published(
    page: Watched, site: Site, fresh_database_url: str
) -> None:
    """An activity-status the ActivityStatus codelist lacks (9) leaves ``status`` null: the
    page says which code the publisher wrote rather than "Not stated"."""
    engine = create_engine(fresh_database_url)
    try:
        async with engine.begin() as conn:
            with UNMAPPABLE.open("rb") as stream:
                report = await import_files(
                    conn, [IatiFile(UNMAPPABLE.name, stream)], key_name="test:explorer"
                )
    finally:
        await engine.dispose()
    assert report.created == 2
    data = await site.graphql(
        '{ projects(filter: {codes: ["XM-DAC-41302-TEST-202", "XM-DAC-41302-TEST-201"]}) '
        "{ edges { node { id code status statusCode } } } }"
    )
    shown = {e["node"]["code"]: e["node"] for e in data["projects"]["edges"]}
    odd, plain = shown["XM-DAC-41302-TEST-202"], shown["XM-DAC-41302-TEST-201"]
    assert (odd["status"], odd["statusCode"]) == (None, "9")
    assert (plain["status"], plain["statusCode"]) == ("ACTIVE", None)

    status = page.page.get_by_test_id("project-status")
    await page.page.goto(f"{site.base}/#/projects/{odd['id']}")
    await expect(status).to_have_text("Code 9 as published (not in IATI's ActivityStatus codelist)")
    await page.page.goto(f"{site.base}/#/projects/{plain['id']}")
    await expect(status).to_contain_text("Active")


async def test_graphiql_runs_from_the_services_own_files(page: Watched, site: Site) -> None:
    """GraphiQL offline: every script and style from this host (the fixture fails the test on
    any request to another), the example query loaded, the headers editor there for a key."""
    await page.page.goto(f"{site.base}/graphql")
    await expect(page.page.locator(".graphiql-container")).to_be_visible(timeout=15000)
    await expect(page.page.get_by_text("projectsConnection(role: FUNDING").first).to_be_visible()
    await page.page.get_by_role("button", name=re.compile("headers", re.IGNORECASE)).first.click()
    await page.page.get_by_role("button", name=re.compile("execute", re.IGNORECASE)).first.click()
    await expect(page.page.locator(".result-window")).to_contain_text('"partners"', timeout=15000)
    await screenshot(page.page, "graphiql")
