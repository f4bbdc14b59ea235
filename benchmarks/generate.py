"""Write a deterministic synthetic corpus for benchmarking feedpub.

    python benchmarks/generate.py N OUT_DIR [--seed S] [--hugo HUGO_DIR]

OUT_DIR gets ``feedpub.yaml``, ``articles/sections.yaml`` and N records
``articles/<first section>/<yyyy>/<id>.md``, plus ``corpus.json`` (what was generated
and which record is the newest, for run.py). With ``--hugo`` the same stories are also
written as a Hugo site (see hugo_site.py), so both tools build the very same corpus.

The text is synthetic: sentences assembled from a word list, with the shape of wire copy
(a dateline city in the opening sentence, paragraphs of two to five sentences, now and
then a sub-heading, a list, a quote or a link). Same N and seed, same bytes.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))
import hugo_site  # a sibling script, not a package

DEFAULT_SEED = 2026
# Four years of stories. Iran kept daylight saving time until September 2022, so stories
# from Tehran carry +04:30 in the summers of 2022 and +03:30 otherwise.
START = datetime(2022, 1, 1, tzinfo=UTC)
END = datetime(2026, 1, 1, tzinfo=UTC)
# A --now after every date in every corpus (updates come at most a day after publication).
NOW = "2026-02-01T00:00:00+03:30"

CONFIG = """\
# feedpub site configuration for the benchmark corpus (the shape of the repository's).
title: Farhang News Agency
description: News, analysis and photo stories from Farhang News Agency.
url: https://www.fna.example/
feeds_url: https://feeds.fna.example/
language: en
timezone: Asia/Tehran
copyright: © 2026 Farhang News Agency. All rights reserved.
id_prefix: "tag:fna.example,2026:"

agency: FNA
agencies:
  FNA:
    name: Farhang News Agency
    url: https://www.fna.example/
  EWS:
    name: Eurasia Wire Service
    url: https://www.ews.example/
    rights: Copyright Eurasia Wire Service. Used under licence.
  GPA:
    name: Gulf Press Agency
    url: https://www.gpa.example/

dateline_format: "{city} ({agency}) –"
items_per_feed: 50
"""

SECTIONS = [
    ("politics", "Politics", "Parliament, government and elections in Iran."),
    ("economy", "Economy", "Markets, trade, energy, budgets and business news."),
    ("social", "Social", "Cities, health, education, transport and everyday life."),
    ("world", "World", "International news from the region and beyond."),
    ("culture", "Culture", "Books, poetry, festivals, heritage and cultural life."),
    ("foreign-policy", "Foreign Policy",
     "Iran's diplomacy, official visits and relations with other countries."),
    ("nuclear", "Nuclear", "Iran's nuclear programme, inspections and related negotiations."),
    ("sports", "Sports", "Results, tournaments and athletes at home and abroad."),
    ("science", "Science", "Research, medicine, technology and the natural world."),
    ("art", "Art", "Painting, sculpture, exhibitions, auctions and traditional crafts."),
    ("defence", "Defence", "Armed forces, exercises, border security and defence cooperation."),
    ("photo", "Photo", "Photo stories from FNA photographers and partner agencies."),
]  # fmt: skip
NEWS_SECTIONS = [slug for slug, _, _ in SECTIONS if slug != "photo"]
# How often each section is a story's first section (photo stories are drawn separately).
SECTION_WEIGHTS = [14, 14, 10, 14, 7, 9, 4, 9, 6, 4, 5]

# Cities of filing, with their IANA zone: the offset written is the one the city's
# clocks showed at that moment (Vienna and New York change twice a year, Tehran did
# until 2022, Moscow and Beijing do not).
CITIES = [
    ("Tehran", "Iran", "Asia/Tehran", 40), ("Mashhad", "Iran", "Asia/Tehran", 4),
    ("Isfahan", "Iran", "Asia/Tehran", 4), ("Tabriz", "Iran", "Asia/Tehran", 3),
    ("Shiraz", "Iran", "Asia/Tehran", 3), ("Moscow", "Russia", "Europe/Moscow", 6),
    ("Beijing", "China", "Asia/Shanghai", 6), ("Vienna", "Austria", "Europe/Vienna", 6),
    ("New York", "United States", "America/New_York", 6), ("Geneva", "Switzerland",
    "Europe/Zurich", 3), ("Doha", "Qatar", "Asia/Qatar", 3), ("Baghdad", "Iraq",
    "Asia/Baghdad", 3), ("Kabul", "Afghanistan", "Asia/Kabul", 2), ("Istanbul", "Turkey",
    "Europe/Istanbul", 3), ("New Delhi", "India", "Asia/Kolkata", 3), ("Tokyo", "Japan",
    "Asia/Tokyo", 2),
]  # fmt: skip


def _words(text: str) -> list[str]:
    return text.split()


FIRST_NAMES = _words("""Maryam Hossein Fatemeh Reza Zahra Ali Leila Mohammad Sara Amir Nasrin Mehdi
Elena Dmitri Wei Ling Anna Markus Sarah David Aisha Omar Yuki Kenji Priya Arjun Ayse Emre
Parisa Babak Shirin Kaveh Narges Saeed Roya Farid""")
SURNAMES = _words("""Tavakoli Rahimi Jahanbin Ahmadi Karimi Hosseini Moradi Rezaei Sadeghi Ghorbani
Jafari Kamali Dehdashti Mousavi Nazari Petrova Ivanov Zhang Chen Huber Gruber Miller Cohen
Al-Thani Haddad Tanaka Sato Sharma Gupta Yilmaz Demir Farahani Shokri Bagheri Zand""")

# The word list: every sentence of every body is drawn from these.
NOUNS = _words("""government parliament ministry minister committee council officials
delegation talks agreement budget economy market exports imports prices inflation currency
bank growth trade
energy oil gas pipeline refinery electricity water supply drought farmers harvest wheat
saffron pistachio province city district villages residents families students schools
university researchers scientists hospital patients doctors vaccine clinic metro railway
highway airport port ships cargo border security forces navy exercise drill inspectors
agency report programme project plan reform law bill vote election candidates turnout
festival exhibition museum gallery artists painters poets book fair theatre film director
audience team players coach match tournament league championship medal record season
satellite launch laboratory study data network platform company workers factory steel
cement carpets tourism visitors heritage bazaar restoration mosque garden mountains snow
weather floods earthquake rescue aid convoy refugees envoy embassy summit sanctions
negotiations framework statement spokesman analysts experts observers""")
VERBS = _words("""said announced approved rejected signed opened launched reported confirmed warned
expected planned agreed discussed reviewed completed began extended reduced increased raised
cut welcomed criticised called visited inaugurated hosted postponed resumed estimated
recorded won lost reached finished praised questioned published unveiled restored
delivered exported imported funded supported""")
ADJECTIVES = _words("""new first second final annual national regional local international joint
official early late major small large several many few senior former current public private
economic political cultural historic technical strong weak higher lower long short rapid
gradual modest significant provincial municipal northern southern eastern western central
domestic foreign traditional modern""")
LINKS = _words("""on in at from with for after before during under over across between against
about through""")
TIMES = """on Monday|on Tuesday|on Wednesday|on Thursday|on Friday|on Saturday|on Sunday|
last week|earlier this month|this year|next month|by the end of the year|in the spring|
over the summer|in recent weeks|since January|for the first time in a decade""".replace(
    "\n", ""
).split("|")
TAGS = _words("""budget parliament elections oil gas trade inflation currency sanctions talks iaea
heritage restoration poetry film theatre football wrestling volleyball research health
education transport water drought earthquake aid border navy satellite weather tourism
carpets saffron exports diplomacy un""")


def _person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"


def _phrase(rng: random.Random) -> str:
    return f"the {rng.choice(ADJECTIVES)} {rng.choice(NOUNS)}"


def _sentence(rng: random.Random) -> str:
    """One sentence of wire copy, built from the word list."""
    kind = rng.random()
    if kind < 0.35:
        words = [_phrase(rng).capitalize(), rng.choice(VERBS), _phrase(rng),
                 rng.choice(LINKS), _phrase(rng), rng.choice(TIMES)]  # fmt: skip
    elif kind < 0.55:
        words = [f"{rng.choice(ADJECTIVES).capitalize()} {rng.choice(NOUNS)}",
                 rng.choice(VERBS), f"{rng.randint(2, 950)} {rng.choice(NOUNS)}",
                 rng.choice(LINKS), _phrase(rng) + ",", _person(rng), "said"]  # fmt: skip
    elif kind < 0.70:
        quoted = " ".join(
            [_phrase(rng).capitalize(), rng.choice(VERBS), _phrase(rng), rng.choice(LINKS)]
            + [rng.choice(NOUNS) for _ in range(rng.randint(1, 4))]
        )
        words = [f"“{quoted},” {_person(rng)} told reporters"]
    elif kind < 0.85:
        words = [_phrase(rng).capitalize(), "and", _phrase(rng), rng.choice(VERBS),
                 f"{rng.randint(3, 99)} percent", rng.choice(LINKS), _phrase(rng) + ",",
                 "according to", _phrase(rng)]  # fmt: skip
    else:
        words = [rng.choice(LINKS).capitalize(), _phrase(rng) + ",", _phrase(rng),
                 rng.choice(VERBS), _phrase(rng), "and", rng.choice(VERBS), _phrase(rng),
                 rng.choice(TIMES)]  # fmt: skip
    return " ".join(words) + "."


class Writer:
    """Shared state of one corpus: a pool of sentences drawn once, so that 100,000
    bodies of 300 to 1,200 words take seconds, not minutes."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.pool = [_sentence(rng) for _ in range(6000)]
        self.pool_words = [s.count(" ") + 1 for s in self.pool]

    def body(self, city: str, weekday: str) -> str:
        rng = self.rng
        target = rng.randint(300, 1200)
        opening = (
            f"{_phrase(rng).capitalize()} in {city} {rng.choice(VERBS)} {_phrase(rng)} "
            f"on {weekday}, {_person(rng)} said."
        )
        paragraphs = [opening + " " + " ".join(rng.choices(self.pool, k=2))]
        words = sum(1 for _ in paragraphs[0].split())
        indices = range(len(self.pool))
        while words < target:
            extra = rng.random()
            if extra < 0.05:
                paragraphs.append(f"## {_phrase(rng).capitalize()[4:].capitalize()}")
                words += 3
            elif extra < 0.09:
                items = [f"- {_phrase(rng)} {rng.choice(LINKS)} {_phrase(rng)};"
                         for _ in range(rng.randint(3, 5))]  # fmt: skip
                paragraphs.append("\n".join(items))
                words += 7 * len(items)
            elif extra < 0.12:
                quote = " ".join(rng.choices(self.pool, k=2))
                paragraphs.append(f"> {quote}")
                words += quote.count(" ") + 1
            else:
                picks = rng.choices(indices, k=rng.randint(2, 5))
                text = " ".join(self.pool[i] for i in picks)
                if extra > 0.96:  # a link, absolute or relative to the story
                    slug = "-".join(rng.choice(NOUNS) for _ in range(3))
                    href = (f"https://www.fna.example/{rng.choice(NEWS_SECTIONS)}/{slug}"
                            if extra > 0.98 else f"../{slug}")  # fmt: skip
                    text += f" See the [{_phrase(rng)[4:]}]({href})."
                elif extra > 0.93:  # a paragraph that opens in bold
                    first, _, rest = text.partition(". ")
                    text = f"**{first}.** {rest}" if rest else text
                paragraphs.append(text)
                words += sum(self.pool_words[i] for i in picks)
        return "\n\n".join(paragraphs) + "\n"


def _offset_iso(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).isoformat(timespec="seconds")


def generate(n: int, out_dir: Path, seed: int, hugo_dir: Path | None = None) -> dict:
    rng = random.Random(seed)
    writer = Writer(rng)
    articles_dir = out_dir / "articles"
    articles_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "feedpub.yaml").write_text(CONFIG, encoding="utf-8")
    lines = ["sections:"]
    for slug, title, description in SECTIONS:
        lines += [f"  - slug: {slug}", f"    title: {title}", f"    description: {description}"]
    (articles_dir / "sections.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    hugo = hugo_site.HugoSite(hugo_dir, SECTIONS) if hugo_dir is not None else None

    zones = {zone: ZoneInfo(zone) for _, _, zone, _ in CITIES}
    city_weights = [c[3] for c in CITIES]
    span = int((END - START).total_seconds())
    made_dirs: set[Path] = set()
    counts = {"photo": 0, "multi_section": 0, "updated": 0, "corrections": 0, "images": 0,
              "bylines": 0, "words": 0}  # fmt: skip
    newest: tuple[datetime, str, str] | None = None
    for index in range(n):
        city, country, zone_name, _ = rng.choices(CITIES, city_weights)[0]
        zone = zones[zone_name]
        moment = START + timedelta(seconds=rng.randrange(span) // 60 * 60)
        local = moment.astimezone(zone)
        agency = rng.choices(("FNA", "EWS", "GPA"), (75, 17, 8))[0]
        photo = rng.random() < 0.08
        if photo:
            sections = ["photo"]
            if rng.random() < 0.5:
                sections.append(rng.choices(NEWS_SECTIONS, SECTION_WEIGHTS)[0])
            counts["photo"] += 1
        else:
            sections = [rng.choices(NEWS_SECTIONS, SECTION_WEIGHTS)[0]]
            if rng.random() < 0.05:
                others = [s for s in NEWS_SECTIONS if s != sections[0]]
                sections += rng.sample(others, rng.randint(1, 2))
        if len(sections) > 1:
            counts["multi_section"] += 1
        topic = [rng.choice(NOUNS), rng.choice(NOUNS)]
        article_id = (f"{agency.lower()}-{local:%Y%m%d}-{topic[0]}-{topic[1]}-"
                      f"{index:06d}")  # fmt: skip
        headline = (f"{rng.choice(ADJECTIVES).capitalize()} {topic[0]} {rng.choice(VERBS)} "
                    f"{_phrase(rng)} {rng.choice(LINKS)} {city}")  # fmt: skip
        front = [
            f"id: {article_id}",
            f"headline: {headline}",
            f"dateline: {{city: {city}, country: {country}}}",
            f"published: {local.isoformat(timespec='seconds')}",
        ]
        record = {"id": article_id, "headline": headline, "published": local,
                  "sections": sections, "updated": None}  # fmt: skip
        roll = rng.random()
        if roll < 0.07:  # corrected later the same day or the next
            updated = moment + timedelta(minutes=rng.randint(20, 1440))
            front.append(f"updated: {_offset_iso(updated, zone)}")
            record["updated"] = updated.astimezone(zone)
            counts["updated"] += 1
        front.append(f"sections: [{', '.join(sections)}]")
        if agency != "FNA":
            front.append(f"agency: {agency}")
        if rng.random() < 0.6:
            names = [_person(rng) for _ in range(rng.choices((1, 2, 3), (70, 25, 5))[0])]
            front.append(f"byline: [{', '.join(names)}]")
            counts["bylines"] += 1
        if rng.random() < 0.3:
            front.append(f"summary: {_phrase(rng).capitalize()} {rng.choice(VERBS)} "
                         f"{_phrase(rng)} {rng.choice(TIMES)}, officials said.")  # fmt: skip
        if rng.random() < 0.8:
            tags = rng.sample(TAGS, rng.randint(1, 4))
            front.append(f"tags: [{', '.join(tags)}]")
        if photo or rng.random() < 0.2:
            width = rng.choice((1600, 2048, 3000))
            front += [
                "image:",
                f"  url: https://media.fna.example/photos/{local:%Y/%m}/{article_id}.jpg",
                f"  caption: {_phrase(rng).capitalize()} {rng.choice(LINKS)} {city}.",
                f"  credit: {_person(rng)} / {agency}",
                "  type: image/jpeg",
                f"  length: {rng.randint(150_000, 2_500_000)}",
                f"  width: {width}",
                f"  height: {width * 2 // 3}",
            ]
            counts["images"] += 1
        if record["updated"] is not None and roll < 0.03:
            front.append(f"correction: An earlier version of this story misstated "
                         f"{_phrase(rng)}.")  # fmt: skip
            counts["corrections"] += 1
        body = writer.body(city, f"{local:%A}")
        counts["words"] += body.count(" ")
        folder = articles_dir / sections[0] / f"{local:%Y}"
        if folder not in made_dirs:
            folder.mkdir(parents=True, exist_ok=True)
            made_dirs.add(folder)
        path = folder / f"{article_id}.md"
        path.write_text("---\n" + "\n".join(front) + "\n---\n" + body, encoding="utf-8")
        if newest is None or (moment, article_id) > (newest[0], newest[1]):
            newest = (moment, article_id, path.relative_to(out_dir).as_posix())
        if hugo is not None:
            hugo.add(record, front, body)
    manifest = {
        "n": n,
        "seed": seed,
        "now": NOW,
        "newest": {"id": newest[1], "path": newest[2],
                   "published": newest[0].isoformat()} if newest else None,
        "counts": counts,
        "hugo": str(hugo_dir) if hugo_dir is not None else None,
    }  # fmt: skip
    if hugo is not None:
        hugo.finish()
    (out_dir / "corpus.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, help="number of records")
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--hugo", type=Path, metavar="HUGO_DIR",
                        help="also write the same stories as a Hugo site here")  # fmt: skip
    args = parser.parse_args()
    if (args.out_dir / "articles").exists():
        parser.error(f"{args.out_dir}/articles already exists; use an empty folder")
    manifest = generate(args.n, args.out_dir, args.seed, args.hugo)
    print(json.dumps(manifest["counts"]))


if __name__ == "__main__":
    main()
