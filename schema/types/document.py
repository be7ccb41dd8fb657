"""An IATI activity's document links: what the publisher points at, as written."""

import datetime

import strawberry
from sqlalchemy.engine import RowMapping

from schema.types.code import Code, code
from schema.types.narrative import Lang, Narrative, narratives, text_in


@strawberry.type(description="An IATI document-link: a document about the activity, online.")
class DocumentLink:
    url: str = strawberry.field(description="Where the document is, as written.")
    format: Code | None = strawberry.field(
        description="Its @format, a FileFormat code (a MIME type: application/pdf)."
    )
    title_narratives: list[Narrative] = strawberry.field(
        description="Its title in every language the file gives."
    )
    description_narratives: list[Narrative] = strawberry.field(
        description="Its description in every language the file gives."
    )
    categories: list[Code] = strawberry.field(
        description="Its DocumentCategory codes (A01 Pre- and post-project impact appraisal...)."
    )
    languages: list[Code] = strawberry.field(
        description="The languages it is written in, Language codes (en, fr)."
    )
    document_date: datetime.date | None = strawberry.field(
        description="The document's date; null where the file gives none."
    )
    default_lang: strawberry.Private[str | None]

    @classmethod
    def from_row(cls, row: RowMapping) -> "DocumentLink":
        return cls(
            url=row["url"],
            format=code("FileFormat", row["format"]),
            title_narratives=narratives(row["title"]),
            description_narratives=narratives(row["description"]),
            categories=[Code(code=c, codelist="DocumentCategory") for c in row["categories"]],
            languages=[Code(code=c, codelist="Language") for c in row["languages"]],
            document_date=row["document_date"],
            default_lang=row["_lang"],
        )

    @strawberry.field(description="Its title in `lang`, or the activity's default language.")
    def title(self, lang: Lang = None) -> str | None:
        raw = [{"lang": n.lang, "text": n.text} for n in self.title_narratives]
        return text_in(raw, lang, self.default_lang)
