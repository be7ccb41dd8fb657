"""An IATI activity's document links: what the publisher points at, as written."""

import datetime

import strawberry
from sqlalchemy.engine import RowMapping

from schema.compiled.activity_rules import code_list, coded, narrative_list, plain, text_of
from schema.compiled.compiler import compiled_field
from schema.types.code import Code, code
from schema.types.narrative import Lang, Narrative, narratives, text_in


@strawberry.type(description="An IATI document-link: a document about the activity, online.")
class DocumentLink:
    url: str = compiled_field(plain(), description="Where the document is, as written.")
    format: Code | None = compiled_field(
        coded(codelist="FileFormat"),
        description="Its @format, a FileFormat code (a MIME type: application/pdf).",
    )
    title_narratives: list[Narrative] = compiled_field(
        narrative_list("title"), description="Its title in every language the file gives."
    )
    description_narratives: list[Narrative] = compiled_field(
        narrative_list("description"),
        description="Its description in every language the file gives.",
    )
    categories: list[Code] = compiled_field(
        code_list("categories", "DocumentCategory"),
        description="Its DocumentCategory codes (A01 Pre- and post-project impact appraisal...).",
    )
    languages: list[Code] = compiled_field(
        code_list("languages", "Language"),
        description="The languages it is written in, Language codes (en, fr).",
    )
    document_date: datetime.date | None = compiled_field(
        plain(), description="The document's date; null where the file gives none."
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

    @compiled_field(
        text_of("title"), description="Its title in `lang`, or the activity's default language."
    )
    def title(self, lang: Lang = None) -> str | None:
        raw = [{"lang": n.lang, "text": n.text} for n in self.title_narratives]
        return text_in(raw, lang, self.default_lang)
