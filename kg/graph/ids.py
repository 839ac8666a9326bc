"""The @id policy of page-level pieces: medkg's own ids, or those a CMS plugin gives the same pieces.

A page that carries a CMS's JSON-LD and medkg's snippet is one graph only when both name the
Organization, the WebSite, the WebPage, its breadcrumb and its primary image with the same @id. The
site chooses the policy (`ids:` in data/site.yaml); this module is the one place that spells it out.

| piece | medkg (default) | yoast | rank-math |
|---|---|---|---|
| Organization | `<base>id/organization/<slug>` | `<site>#organization` | `<site>#organization` |
| its logo | `<organization>#logo` | `<site>#/schema/logo/image/` | `<site>#logo` |
| WebSite | `<site>#website` | `<site>#website` | `<site>#website` |
| WebPage | `<page>` | `<page>` | `<page>#webpage` |
| Article | `<page>#article` | `<page>#article` | `<page>#richSnippet` |
| BreadcrumbList | `<page>#breadcrumb` | `<page>#breadcrumb` | `<page>#breadcrumb` |
| primary image | `<page>#primaryimage` | `<page>#primaryimage` | `<page>#primaryimage` |

`<site>` is `site.url` (the home page), else the base IRI; `organization_id` / `website_id` in
site.yaml override the policy for those two. Sources: Yoast's schema documentation
(developer.yoast.com/features/schema/pieces/*: WebPage @id "the unmodified canonical URL") and Rank
Math's published output (`rank_math/json_ld` keys `publisher`, `WebSite`, `WebPage`, `richSnippet`).
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import URIRef

from kg.graph.iris import Minter, slugify
from kg.load.model import Article, Site


@dataclass(frozen=True)
class PageIds:
    """The @ids of one page's pieces under the site's policy."""

    policy: str
    page_url: str  # the page's canonical URL, or the identifier medkg mints when the facts give none
    url_known: bool
    organization: URIRef
    logo: URIRef
    website: URIRef
    webpage: URIRef
    article: URIRef
    breadcrumb: URIRef
    primaryimage: URIRef

    def renames(self, minted_page: str, minted_org: str) -> dict[URIRef, URIRef]:
        """medkg's own ids of the pieces → this policy's (empty under the medkg policy)."""
        pairs = {
            URIRef(minted_page): self.webpage,
            URIRef(minted_org): self.organization,
            URIRef(f"{minted_org}#logo"): self.logo,
        }
        return {old: new for old, new in pairs.items() if old != new}


def site_home(site: Site) -> str:
    """The site's home page, or its base IRI when site.yaml gives none."""
    return site.url or site.base_iri


def organization_iri(site: Site) -> str:
    """The publisher's IRI as medkg mints it (one node shared by every article)."""
    pub = site.publisher
    return Minter(site.base_iri).entity("organization", pub.id or slugify(pub.name))


def page_ids(site: Site, article: Article) -> PageIds:
    """The @ids of an article's page-level pieces under the site's policy."""
    policy = site.ids or "medkg"
    page = Minter(site.base_iri).page(article.slug, article.url)
    home = site_home(site)
    home = home if home.endswith("/") else home + "/"
    if policy == "medkg":
        org = organization_iri(site)
        logo, webpage, article_id = f"{org}#logo", page, f"{page}#article"
    elif policy == "yoast":
        org, logo = f"{home}#organization", f"{home}#/schema/logo/image/"
        webpage, article_id = page, f"{page}#article"
    else:
        org, logo = f"{home}#organization", f"{home}#logo"
        webpage, article_id = f"{page}#webpage", f"{page}#richSnippet"
    org = site.organization_id or org
    website = site.website_id or f"{home}#website"
    return PageIds(
        policy,
        page,
        article.url is not None,
        URIRef(org),
        URIRef(logo),
        URIRef(website),
        URIRef(webpage),
        URIRef(article_id),
        URIRef(f"{page}#breadcrumb"),
        URIRef(f"{page}#primaryimage"),
    )
