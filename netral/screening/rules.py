"""The screening rules, in one registry. A rule is a function of an analysed post (its tokens and
the vocabulary matches, `vocabulary.Analysis`) returning the token ranges it found, registered with
`@rule(...)`: its code, category, title, advice and the SKB 2/2022 act it may touch.

Each rule guards the neutral cases itself: a ballot number counts only next to voting words,
campaign words only when the writer takes part or invites, never under a negation ("ASN dilarang
ikut kampanye"). See CONTRIBUTING.md, "Registering a screening rule"."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from netral.screening.models import Category
from netral.screening.vocabulary import CONTESTANT, NUMBER_WORDS, PARTY, SLOGAN, Analysis

TokenRange = tuple[int, int]  # token indexes, end exclusive
RuleFunction = Callable[[Analysis], Iterable[TokenRange]]


@dataclass(frozen=True)
class Rule:
    code: str
    category: str
    title: str | Promise
    advice: str | Promise
    skb: str  # a ViolationType code of netral/cases/catalogue.py, e.g. "skb2022-04"
    score: float
    function: RuleFunction


RULES: dict[str, Rule] = {}


def rule(
    *,
    code: str,
    category: str,
    title: str | Promise,
    advice: str | Promise,
    skb: str,
    score: float,
) -> Callable[[RuleFunction], RuleFunction]:
    def register(function: RuleFunction) -> RuleFunction:
        if code in RULES:
            raise ValueError(f"two screening rules share the code {code!r}")
        if category not in Category.values:
            raise ValueError(f"unknown category {category!r} for {code!r}")
        RULES[code] = Rule(code, category, title, advice, skb, score, function)
        return function

    return register


NAMED = {CONTESTANT, PARTY, SLOGAN, "campaign_tag"}  # words that name a contestant
PERSON = {CONTESTANT, SLOGAN, "campaign_tag"}  # a candidate or pair, not just a party


def _number(word: str) -> int | None:
    if word.isdigit() and len(word) <= 2:
        return int(word)
    return NUMBER_WORDS.get(word)


def _negated(text: Analysis, index: int) -> bool:
    """A negation or prohibition earlier in the phrase ("tidak", "dilarang", "ASN netral"), but
    not "jangan lupa", which invites."""
    tokens = text.document.tokens
    phrase = tokens[index].phrase
    other = index - 1
    while other >= 0 and tokens[other].phrase == phrase:
        if "negation" in text.tags[other]:
            return True
        if text.words[other] == "jangan" and not text.has(other, "invitation"):
            return True
        other -= 1
    return False


def _skipped(text: Analysis, index: int) -> bool:
    """Words quoted in shared news are the news's, not the writer's."""
    token = text.document.tokens[index]
    return token.quoted and text.document.has_url


def _ballot_numbers(text: Analysis) -> list[int]:
    """Indexes of tokens that may be a ballot number: not a date, a time, a TPS or an RT."""
    found = []
    for index, word in enumerate(text.words):
        number = _number(word)
        if number is None or number not in text.vocabulary.ballot_numbers:
            continue
        if not word.isdigit() and not text.has(index - 1, "ballot_marker"):
            continue  # "satu suara", "dua minggu": a number word is a ballot number after "nomor"
        if text.near(index, {"number_guard"}, before=2) is not None:
            continue
        if text.has(index + 1, "month"):
            continue
        # "2 menit", "2 persen"; but "nomor 2 tanggal 14" is a ballot number and a date.
        if text.has(index + 1, "number_guard") and text.words[index + 1] != "tanggal":
            continue
        if text.words[index + 1 : index + 2] == ["jari"]:
            continue  # a gesture, the gesture rule's
        found.append(index)
    return found


@rule(
    code="partisan.call_to_vote",
    category=Category.PARTISAN,
    title=_("Call to vote for a contestant"),
    advice=_(
        "Do not ask anyone to vote for a candidate, pair or party. Inviting people to vote, "
        "without naming anyone, is fine."
    ),
    skb="skb2022-02",
    score=0.9,
)
def call_to_vote(text: Analysis) -> Iterable[TokenRange]:
    for verb in text.find("vote_verb"):
        if _negated(text, verb.start) or _skipped(text, verb.start):
            continue
        target = text.near(verb.start, NAMED, after=4)
        if target is None:
            numbers = [i for i in _ballot_numbers(text) if verb.end <= i <= verb.end + 3]
            target = numbers[0] if numbers else None
        if target is None:
            continue
        invited = text.near(verb.start, {"invitation"}, before=4) is not None
        imperative = text.phrase_start(verb.start) or text.has(verb.start - 1, "invitation")
        if invited or imperative:
            yield (min(verb.start, target), max(verb.end, target + 1))


@rule(
    code="partisan.ballot_number",
    category=Category.PARTISAN,
    title=_("Ballot number with voting or support words"),
    advice=_(
        "Do not mention a contestant's ballot number together with words of voting or support."
    ),
    skb="skb2022-04",
    score=0.8,
)
def ballot_number(text: Analysis) -> Iterable[TokenRange]:
    for index in _ballot_numbers(text):
        if _negated(text, index) or _skipped(text, index):
            continue
        verb = text.near(index, {"vote_verb"}, before=3)
        if verb is not None:
            yield (verb, index + 1)
            continue
        marker = text.near(index, {"ballot_marker"}, before=2)
        leading_zero = text.words[index].startswith("0")
        if marker is None and not leading_zero:
            continue
        support = text.near(index, {"support", "vote_verb", "praise"}, before=3, after=4)
        if support is not None:
            yield (min(marker if marker is not None else index, support), max(index, support) + 1)


@rule(
    code="partisan.gesture",
    category=Category.PARTISAN,
    title=_("Campaign finger gesture or greeting"),
    advice=_(
        "Avoid campaign greetings and finger gestures ('salam dua jari') in posts and photos."
    ),
    skb="skb2022-05",
    score=0.8,
)
def gesture(text: Analysis) -> Iterable[TokenRange]:
    named = any(text.tags[i] & (NAMED | {"vote_verb", "support"}) for i in range(len(text.words)))
    for match in text.find("gesture"):
        if not _negated(text, match.start):
            yield (match.start, match.end)
    for index, word in enumerate(text.words):
        fingers = word == "jari" and index > 0 and _number(text.words[index - 1]) is not None
        emoji = text.document.tokens[index].kind == "emoji"
        if not (fingers or emoji) or text.has(index, "gesture"):
            continue
        if text.near(index, {"gesture_guard"}, before=3, after=3) is not None:
            continue
        if _negated(text, index):
            continue
        cue = text.near(index, {"gesture_cue"}, before=3)
        if cue is not None and fingers:
            yield (cue, index + 1)
        elif named:
            yield (index - 1 if fingers else index, index + 1)


@rule(
    code="partisan.hashtag",
    category=Category.PARTISAN,
    title=_("Contestant or campaign hashtag"),
    advice=_("Avoid campaign hashtags and hashtags with a contestant's name or number."),
    skb="skb2022-04",
    score=0.75,
)
def hashtag(text: Analysis) -> Iterable[TokenRange]:
    for index, token in enumerate(text.document.tokens):
        if token.kind == "hashtag" and "campaign_tag" in text.tags[index]:
            yield (index, index + 1)


@rule(
    code="partisan.support",
    category=Category.PARTISAN,
    title=_("Support or praise for a contestant"),
    advice=_(
        "Do not post support for, or praise of, a candidate, pair or party, not even as a "
        "comment or a share."
    ),
    skb="skb2022-04",
    score=0.75,
)
def support(text: Analysis) -> Iterable[TokenRange]:
    for match in text.matches:
        if match.tag not in {CONTESTANT, PARTY, SLOGAN}:
            continue
        if _negated(text, match.start) or _skipped(text, match.start):
            continue
        if match.tag == SLOGAN:
            yield (match.start, match.end)
            continue
        if text.in_clause(match.start, {"impartial"}, before_only=False):
            continue
        cue = text.near(
            match.start, {"support", "praise"}, before=3, after=3 + match.end - match.start
        )
        if cue is not None:
            if not _negated(text, cue):  # "siapa pun yang menang"
                yield (min(cue, match.start), max(cue + 1, match.end))
            continue
        # "saya dukung X", "kami pilih X": first person and a voting verb before the name.
        verb = text.near(match.start, {"vote_verb"}, before=3)
        if verb is not None and text.near(verb, {"first_person"}, before=5) is not None:
            yield (verb, match.end)


@rule(
    code="partisan.photo",
    category=Category.PARTISAN,
    title=_("Photo with a contestant"),
    advice=_("Do not post photos with a candidate, pair or their campaign team."),
    skb="skb2022-05",
    score=0.7,
)
def photo(text: Analysis) -> Iterable[TokenRange]:
    for match in text.find("photo"):
        if _negated(text, match.start):
            continue
        target = text.near(match.end - 1, PERSON | {"team"}, after=4)
        if target is not None:
            yield (match.start, target + 1)


@rule(
    code="partisan.party_membership",
    category=Category.PARTISAN,
    title=_("Membership of a political party"),
    advice=_("Civil servants may not be members or officials of a political party."),
    skb="skb2022-09",
    score=0.85,
)
def party_membership(text: Analysis) -> Iterable[TokenRange]:
    for match in text.find("membership"):
        if _negated(text, match.start):
            continue
        party = text.near(match.end - 1, {PARTY}, after=3)
        own = (
            text.near(match.start, {"first_person"}, before=3) is not None
            or text.words[match.start - 1 : match.start] == ["sebagai"]
            or (text.clause_start(match.start) and text.has(match.end, PARTY))
        )
        if party is not None and own:
            yield (match.start, party + 1)


def _takes_part(text: Analysis, index: int) -> bool:
    """The writer takes part: said in the first person, or with no subject at all, as posts
    mostly are ("Tadi ikut kampanye"). A named third person or a shared link is a report."""
    if text.near(index, {"first_person"}, before=5) is not None:
        return True
    if text.document.has_url:
        return False
    return not text.in_clause(index, {"third_person"})


@rule(
    code="campaign.attend",
    category=Category.CAMPAIGN,
    title=_("Attending a campaign event"),
    advice=_("Do not attend, or post about attending, campaigns, declarations or rallies."),
    skb="skb2022-03",
    score=0.8,
)
def attend(text: Analysis) -> Iterable[TokenRange]:
    for event in text.find("event"):
        verb = text.near(event.start, {"attend_verb"}, before=3)
        if verb is None or _negated(text, verb) or _skipped(text, verb):
            continue
        if text.near(verb, {"invitation"}, before=3) is not None:
            continue  # an invitation, the next rule's
        if _takes_part(text, verb):
            yield (verb, event.end)


@rule(
    code="campaign.invite",
    category=Category.CAMPAIGN,
    title=_("Inviting others to a campaign event"),
    advice=_("Do not invite colleagues or the public to campaign events."),
    skb="skb2022-10",
    score=0.85,
)
def invite(text: Analysis) -> Iterable[TokenRange]:
    for event in text.find("event"):
        invitation = text.near(event.start, {"event_invitation"}, before=5, after=8)
        if invitation is None and text.near(event.start, {"attend_verb"}, before=3) is not None:
            # "Ayo awasi kampanye" asks to watch; "ayo datang ke kampanye" to attend.
            invitation = text.near(event.start, {"invitation"}, before=5)
        if invitation is None or _skipped(text, invitation):
            continue
        if _negated(text, invitation) or _negated(text, event.start):
            continue
        yield (min(invitation, event.start), max(invitation + 1, event.end))


@rule(
    code="campaign.team",
    category=Category.CAMPAIGN,
    title=_("Joining a campaign team"),
    advice=_(
        "Do not join a campaign team, a volunteer group or a winning team, online or offline."
    ),
    skb="skb2022-11",
    score=0.85,
)
def team(text: Analysis) -> Iterable[TokenRange]:
    for match in text.find("team"):
        if text.has(match.start, "team_guard"):
            continue
        verb = text.near(match.start, {"join_verb", "attend_verb", "invitation"}, before=3)
        if verb is None or _negated(text, verb) or _skipped(text, verb):
            continue
        if text.has(verb, "invitation") or _takes_part(text, verb):
            yield (verb, match.end)


# A campaign's: a contestant or party named, a campaign word, a campaign team or event.
CAMPAIGN_MARKS = NAMED | {"campaign_marker", "team", "event"}


def _campaign_object(text: Analysis, verb: int, objects: str) -> int | None:
    """The campaign object a verb acts on ("pasang baliho paslon", "spanduk paslon sudah kami
    pasang"): an object of the list within four words, itself marked as a campaign's nearby."""
    found = text.near(verb, {objects}, before=4, after=4)
    if found is None:
        return None
    if text.near(found, CAMPAIGN_MARKS, before=2, after=5) is None and not (
        text.tags[found] & CAMPAIGN_MARKS
    ):
        return None
    return found


def _guarded(text: Analysis, index: int) -> bool:
    """Negated, quoted from shared news, or an authority's work ("Bawaslu menurunkan baliho")."""
    return (
        _negated(text, index)
        or _skipped(text, index)
        or text.in_clause(index, {"campaign_guard"}, before_only=False)
    )


@rule(
    code="campaign.goods",
    category=Category.CAMPAIGN,
    title=_("Handing out campaign goods"),
    advice=_(
        "Do not hand out, or post about handing out, a contestant's shirts, stickers, calendars, "
        "groceries or other goods."
    ),
    skb="skb2022-10",
    score=0.8,
)
def goods(text: Analysis) -> Iterable[TokenRange]:
    for verb in text.find("distribute_verb"):
        if _guarded(text, verb.start):
            continue
        thing = _campaign_object(text, verb.start, "campaign_goods")
        if thing is None:
            continue
        invited = text.near(verb.start, {"invitation"}, before=4) is not None
        if invited or text.phrase_start(verb.start) or _takes_part(text, verb.start):
            yield (min(verb.start, thing), max(verb.end, thing + 1))


@rule(
    code="campaign.materials",
    category=Category.CAMPAIGN,
    title=_("Putting up campaign materials"),
    advice=_(
        "Do not put up a contestant's banners, posters or flags, least of all at an office or a "
        "public service."
    ),
    skb="skb2022-10",
    score=0.8,
)
def materials(text: Analysis) -> Iterable[TokenRange]:
    for verb in text.find("install_verb"):
        if _guarded(text, verb.start):
            continue
        thing = _campaign_object(text, verb.start, "campaign_material")
        if thing is None:
            continue
        invited = text.near(verb.start, {"invitation"}, before=4) is not None
        if invited or text.phrase_start(verb.start) or _takes_part(text, verb.start):
            yield (min(verb.start, thing), max(verb.end, thing + 1))


@rule(
    code="campaign.recruit",
    category=Category.CAMPAIGN,
    title=_("Recruiting or joining campaign volunteers or witnesses"),
    advice=_(
        "Do not recruit, or sign up as, a contestant's volunteer or a party's witness; a KPPS "
        "or Bawaslu post is another matter."
    ),
    skb="skb2022-11",
    score=0.85,
)
def recruit(text: Analysis) -> Iterable[TokenRange]:
    for person in text.find("volunteer"):
        if text.has(person.start, "team_guard"):
            continue
        verb = text.near(person.start, {"recruit_verb", "join_verb", "invitation"}, before=4)
        if verb is None or _guarded(text, verb):
            continue
        mark = text.near(person.start, CAMPAIGN_MARKS - {"event"}, after=5)
        if mark is None:
            continue
        yield (min(verb, person.start), max(person.end, mark + 1))


@rule(
    code="campaign.share",
    category=Category.CAMPAIGN,
    title=_("Sharing campaign content to groups"),
    advice=_(
        "Do not pass a contestant's videos, flyers or posts on to family, office or neighbourhood "
        "groups."
    ),
    skb="skb2022-04",
    score=0.75,
)
def share(text: Analysis) -> Iterable[TokenRange]:
    for verb in text.find("share_verb"):
        if _guarded(text, verb.start):
            continue
        content = text.near(verb.start, {"campaign_content"}, before=4, after=5)
        if content is None:
            mark = text.near(verb.start, CAMPAIGN_MARKS, before=4, after=5)
            target = text.near(verb.start, {"share_target"}, after=10)
            content = mark if target is not None else None
        if content is not None:
            yield (min(verb.start, content), max(verb.end, content + 1))


def _literal(text: Analysis, match_start: int) -> bool:
    return text.near(match_start, {"abusive_guard"}, before=2, after=2) is not None


@rule(
    code="hate.abusive",
    category=Category.HATE,
    title=_("Abusive words or slurs"),
    advice=_("Remove insults and slurs; criticise policies, not people or groups."),
    skb="skb2022-15",
    score=0.7,
)
def abusive(text: Analysis) -> Iterable[TokenRange]:
    for match in text.matches:
        if match.tag in {"abusive", "slur"} and not _literal(text, match.start):
            yield (match.start, match.end)
    # An animal's name insults only when aimed: "babi lu", "dasar monyet", "Anjing, ...".
    for match in text.find("insult_animal"):
        if _literal(text, match.start) or text.has(match.end, "first_person"):
            continue
        aimed = text.near(match.start, {"second_person"}, before=2, after=2) is not None
        alone = text.phrase_start(match.start) and (
            match.end == len(text.words)
            or text.document.tokens[match.end].phrase != text.document.tokens[match.start].phrase
        )
        if aimed or alone:
            yield (match.start, match.end)


@rule(
    code="hate.hostility",
    category=Category.HATE,
    title=_("Threat or call to violence"),
    advice=_("Remove threats and calls to harm or drive out people or groups."),
    skb="skb2022-15",
    score=0.85,
)
def hostility(text: Analysis) -> Iterable[TokenRange]:
    for match in text.find("hostility"):
        if not _negated(text, match.start) and not _literal(text, match.start):
            yield (match.start, match.end)


def debunks(text: Analysis) -> bool:
    """A correction names the rumour: "KPU bantah hoaks surat suara tercoblos"."""
    for match in text.find("hoax_debunk"):
        if text.words[match.start - 1 : match.start] != ["bukan"]:
            return True
    return False


@rule(
    code="hoax.spread_cue",
    category=Category.HOAX,
    title=_("Chain-message cues of a rumour"),
    advice=_(
        "Check the claim with official sources (KPU, Bawaslu, cekfakta) before sharing; do not "
        "pass on messages that ask to be spread."
    ),
    skb="skb2022-15",
    score=0.7,
)
def spread_cue(text: Analysis) -> Iterable[TokenRange]:
    for match in text.find("hoax_strong"):
        yield (match.start, match.end)


@rule(
    code="hoax.unverified_claim",
    category=Category.HOAX,
    title=_("Unverified election rumour"),
    advice=_(
        "Say where a claim comes from, or do not share it; report suspected fraud to Bawaslu "
        "instead of posting it."
    ),
    skb="skb2022-15",
    score=0.6,
)
def unverified_claim(text: Analysis) -> Iterable[TokenRange]:
    if debunks(text):
        return
    weak = text.find("hoax_weak")
    topics = text.find("hoax_topic")
    if weak and (topics or len({m.start for m in weak}) >= 2 or text.find("hoax_strong")):
        for match in [*weak, *topics]:
            yield (match.start, match.end)


@rule(
    code="hoax.process_claim",
    category=Category.HOAX,
    title=_("Rumour about the election process, with a call to spread it"),
    advice=_(
        "Claims about ballots, counting, polling places, aid or dates come from KPU or "
        "Bawaslu; check there, report suspected fraud to Bawaslu, and do not pass chain "
        "messages on."
    ),
    skb="skb2022-15",
    score=0.75,
)
def process_claim(text: Analysis) -> Iterable[TokenRange]:
    if debunks(text):
        return
    calls = [m for m in text.find("spread_call") if not _negated(text, m.start)]
    if not calls:
        return
    for topic in text.find("process_topic"):
        change = text.near(topic.start, {"process_change"}, before=6, after=8)
        if change is None or _negated(text, change):
            continue
        yield (min(topic.start, change), max(topic.end, change + 1))
        for call in calls:
            yield (call.start, call.end)


@rule(
    code="hate.group_exclusion",
    category=Category.HATE,
    title=_("Demand to exclude or harm an ethnic or religious group"),
    advice=_(
        "Do not call for a group to be driven out, shut out or harmed; criticise acts, not "
        "people for their ethnicity or religion."
    ),
    skb="skb2022-15",
    score=0.85,
)
def group_exclusion(text: Analysis) -> Iterable[TokenRange]:
    for demand in text.find("exclusion"):
        if _negated(text, demand.start) or _skipped(text, demand.start):
            continue
        group = text.near(demand.start, {"group"}, before=6, after=6)
        if group is not None:
            yield (min(demand.start, group), max(demand.end, group + 1))
