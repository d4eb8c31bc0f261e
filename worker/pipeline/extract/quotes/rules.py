"""Rule lists of quote extraction, as data: the words that cue speech, describe people, mark terms.

Change a list here to change what the steps recognise; no list is tied to one article."""

from __future__ import annotations


def _forms(spec: str) -> frozenset[str]:
    """Inflected forms of regular verbs ("say" -> say, says, sayed, saying) plus irregular ones given as is."""
    out: set[str] = set()
    for word in spec.split():
        out.add(word)
        stem = word[:-1] if word.endswith("e") else word
        out.update({word + "s", word + "es", stem + "ed", stem + "ing", word + "d"})
        if word.endswith("y"):
            out.update({word[:-1] + "ies", word[:-1] + "ied"})
        if len(word) >= 3 and word[-1] in "bdgklmnprt" and word[-2] in "aeiou" and word[-3] not in "aeiou":
            out.update({word + word[-1] + "ed", word + word[-1] + "ing"})  # admitted, quipped
    return frozenset(out)


IRREGULAR = frozenset("said told wrote written writing saying tells telling says quipped quipping".split())
# verbs that attribute a quote or reported speech
SPEECH_VERBS = (
    _forms(
        """
        say tell add note write post argue explain state warn insist ask announce describe observe stress
        emphasize emphasise call claim declare remark reply respond comment acknowledge admit suggest predict
        conclude recall complain contend assert tweet testify urge report confirm deny
        reiterate caution lament quip joke boast vow pledge promise tout concede counter allege
        accuse praise criticize criticise underscore reveal disclose recount muse
        mention declare shout scream yell whisper propose inform assure explain retort demand
        wonder estimate repeat add acknowledge highlight exclaim quote opine interject
        chime thunder rail blast slam gush scoff plead beg advise instruct recite summarize summarise rant
        tweet retweet email message brag fume bark cheer concur interrupt murmur mutter
        continue characterize characterise coach chide scold mock taunt lecture snap sneer sigh laugh
        rave reason marvel gripe grumble huff lash recommend speculate theorize reflect elaborate
        clarify caution assert query vent echo surmise beam vouch chant affirm confess gasp
        implore inquire jest mumble ponder rebut reckon rejoin roar sob stammer
        tease wail exhort proclaim sing cry imply grouse talk portray cite defend notify
        """
    )
    | IRREGULAR
    | {"sang", "sung"}
)
# cues that follow a report verb first and take no object: "..., said Geert Wilders, founder of ..."
INVERTED_CUES = frozenset("said says added adds".split())
# "X points out": a speech verb with its particle
POINT_FORMS = _forms("point")
# of those, verbs whose clausal complement is reported speech (an indirect quote)
REPORTING_VERBS = (
    _forms(
        """
        say tell add note write post argue explain state warn insist announce observe stress emphasize
        emphasise claim declare remark reply respond comment acknowledge admit suggest predict conclude
        recall complain contend assert maintain tweet testify report confirm deny reiterate caution
        lament boast vow pledge promise concede counter allege charge reveal disclose mention assure
        estimate repeat signal notify
        """
    )
    | IRREGULAR
) - {"call", "called", "calling", "calls"}
DOCUMENT_NOUNS = frozenset(
    "statement statements readout report reports release communique communiqué transcript filing letter post "
    "tweet interview memo notice piece story article editorial op-ed column study poll survey book paper "
    "email video ad resolution lawsuit suit indictment ruling".split()
)
# participles of a document's reader, not its issuer: "a letter from the Legion obtained by The Associated Press"
HANDLED_BY = frozenset("obtained reviewed seen viewed received acquired".split())
# the prepositions by which a verb's subject answers someone else's document ("reacted to a report", "commented on
# a study", "angry about a memo"), not issues it ("said in a statement", "posted under a headline")
ANSWERING_PREPS = frozenset({"to", "on", "about", "over", "against", "at"})
# "“...” That quote from X appeared ...": nouns that name the quoted words in the sentence after them
QUOTE_NOUNS = frozenset("quote quotation remark line words comment quip statement".split())
# nouns of saying whose possessor speaks: "Trump's accusation that ...", "in Bolton's view", "Forbes' words"
NOMINAL_CUES = frozenset(
    "accusation accusations claim claims assertion remark remarks comment comments suggestion pledge promise "
    "warning insistence argument description words view quote charge vow admission complaint criticism "
    "response reply answer message tweet tweets post letter email memo statement testimony prediction "
    "declaration announcement boast".split()
)
ORG_WORDS = frozenset(
    "ministry department house party news times post press agency office council committee association "
    "institute university college bank company corp inc group network campaign administration government "
    "court senate congress commission board union foundation center centre service journal daily".split()
)
# nouns "the company said", "the paper said" use for an organization named before without the word
BODY_NOUNS = frozenset(
    "company firm group paper newspaper daily tabloid agency carrier operator organisation organization network "
    "broadcaster retailer bank lender insurer airline maker manufacturer giant chain business corporation club "
    "team charity".split()
)
# plural nouns for people that PERSON_NOUNS' singulars miss: "and police say", "and authorities said"
GROUPS_OF_PEOPLE = frozenset("police authorities people staff crew residents".split())
# the links inside a noun phrase that a quoted label may hang by on its way up to the subject it describes
SUBJECT_PHRASE_DEPS = frozenset({"compound", "amod", "appos", "conj", "nmod"})
# entity types that never speak: "the 29-year-old said", "King, 39, said": a person's age the tagger read as a date
UNSPEAKING_TYPES = frozenset({"date"})
# "she added", "he continued": the speaker just before goes on
CONTINUING_VERBS = frozenset("add adds added continue continues continued".split())
PERSON_NOUNS = frozenset(
    "reporter writer worker leader member voter supporter organizer owner manager teacher lawyer officer farmer "
    "player speaker founder partner researcher volunteer minister senator governor director editor author investor "
    "donor mayor advisor adviser counselor professor doctor sponsor protester protestor observer retiree resident "
    "parent student veteran nurse aide official source candidate nominee president secretary ambassador judge "
    "attorney prosecutor sheriff commissioner congressman congresswoman lawmaker legislator strategist pollster "
    "analyst economist diplomat executive chairman chairwoman chair spokesperson representative delegate "
    "activist scientist journalist columnist commentator host anchor correspondent mother father wife husband son "
    "daughter sister brother friend neighbor neighbour man woman girl boy immigrant refugee owner operator "
    "consultant adviser aide staffer insider guy lady gentleman kid child teen teenager citizen individual victim "
    "witness survivor relative colleague fan customer employee critic expert soldier fighter militant mogul tycoon "
    "billionaire millionaire questioner".split()
)
# nouns of a person's relation to another ("one longtime adviser to X"): the "to" phrase is part of who speaks
RELATION_NOUNS = frozenset(
    "adviser advisor aide spokesman spokeswoman spokesperson counselor consultant strategist assistant confidant "
    "ally friend".split()
)
# "Sen. Marco Rubio" is "the Florida senator"
TITLE_EXPANSIONS = {
    "sen": "senator",
    "rep": "congressman congresswoman representative",
    "del": "delegate",
    "gov": "governor",
    "gen": "general",
    "lt": "lieutenant",
    "atty": "attorney",
    "sec": "secretary",
    "pres": "president",
    "supt": "superintendent",
    "amb": "ambassador",
    "cmdr": "commander",
    "col": "colonel",
    "capt": "captain",
}
GENERIC_ROLES = frozenset(
    {"leader", "official", "president", "minister", "head", "chief", "politician", "lawmaker", "candidate", "nominee"}
)
# party heads of a description: "the Utah Republican", "the Vermont independent"
PARTY_WORDS = frozenset({"republican", "democrat", "democratic", "independent", "conservative", "liberal", "labour"})
# "Sen. Marco Rubio, R-Fla.," / "Rep. Gwen Graham (D-Fla.)": the party letter and the state after a US lawmaker's name
PARTY_LETTERS = {"r": "republican", "d": "democrat democratic", "i": "independent"}
STATE_ABBREVIATIONS = {
    "ala": "alabama", "al": "alabama", "alaska": "alaska", "ak": "alaska", "ariz": "arizona", "az": "arizona",
    "ark": "arkansas", "ar": "arkansas", "calif": "california", "ca": "california", "colo": "colorado",
    "co": "colorado", "conn": "connecticut", "ct": "connecticut", "del": "delaware", "de": "delaware",
    "fla": "florida", "fl": "florida", "ga": "georgia", "hawaii": "hawaii", "hi": "hawaii", "idaho": "idaho",
    "id": "idaho", "ill": "illinois", "il": "illinois", "ind": "indiana", "in": "indiana", "iowa": "iowa",
    "ia": "iowa", "kan": "kansas", "kans": "kansas", "ks": "kansas", "ky": "kentucky", "la": "louisiana",
    "maine": "maine", "me": "maine", "md": "maryland", "mass": "massachusetts", "ma": "massachusetts",
    "mich": "michigan", "mi": "michigan", "minn": "minnesota", "mn": "minnesota", "miss": "mississippi",
    "ms": "mississippi", "mo": "missouri", "mont": "montana", "mt": "montana", "neb": "nebraska",
    "nebr": "nebraska", "ne": "nebraska", "nev": "nevada", "nv": "nevada", "nh": "new hampshire",
    "nj": "new jersey", "nm": "new mexico", "ny": "new york", "nc": "north carolina", "nd": "north dakota",
    "ohio": "ohio", "oh": "ohio", "okla": "oklahoma", "ok": "oklahoma", "ore": "oregon", "or": "oregon",
    "pa": "pennsylvania", "penn": "pennsylvania", "ri": "rhode island", "sc": "south carolina",
    "sd": "south dakota", "tenn": "tennessee", "tn": "tennessee", "tex": "texas", "texas": "texas", "tx": "texas",
    "utah": "utah", "ut": "utah", "vt": "vermont", "va": "virginia", "wash": "washington", "wa": "washington",
    "wva": "west virginia", "wv": "west virginia", "wis": "wisconsin", "wisc": "wisconsin", "wi": "wisconsin",
    "wyo": "wyoming", "wy": "wyoming",
}  # fmt: skip
# a state's people: "the Texan", "the Floridian" are descriptions of the person from that state
DEMONYMS = {
    "texan": "texas",
    "floridian": "florida",
    "californian": "california",
    "ohioan": "ohio",
    "vermonter": "vermont",
    "arkansan": "arkansas",
    "virginian": "virginia",
}
# "I" outside quotation marks this often makes a piece first-person: its "I said" is the byline's author
FIRST_PERSON_MIN = 3
MALE_PRONOUNS = frozenset({"he", "him", "his"})
FEMALE_PRONOUNS = frozenset({"she", "her"})
ORG_PRONOUNS = frozenset({"it", "they"})
PRONOUNS = MALE_PRONOUNS | FEMALE_PRONOUNS | ORG_PRONOUNS | {"i", "we", "you", "who", "which", "that", "one"}
# a part of a group as a subject, who speaks for itself: "Some chanted", "most said", "another tweeted",
# "those surveyed said"
GROUP_QUANTIFIERS = frozenset("some most many several others another few both all those".split())
# passive speech verbs whose "by" agent is the one speaking ("after being warned by Moscow that ..."); not
# "as reported by", "echoed by", "mentioned by", whose agent passes on someone else's words
AGENT_SPEAKS = frozenset("asked warned described urged".split())
# someone the text leaves unnamed, who speaks as such: "Someone called it a “quiet revolution”"
UNNAMED = frozenset({"someone", "somebody"})
SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})
# a subject that is a day ("Saturday at the convention Sen. X said") names when, not who
WEEKDAYS = frozenset({"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"})
# modals that are also names: "Will wrote", "May said" (a capitalized modal with no subject is the person)
NAME_MODALS = frozenset({"Will", "May"})
# the part of a subject that names it: "the White House press secretary", "Commerce Secretary Howard Lutnick"
NAME_DEPS = frozenset({"compound", "amod", "det", "poss", "nmod", "nummod", "case", "flat", "punct"})
# "the statement read", "“America is great!” read one": "read" is a cue only for such subjects
READERS = DOCUMENT_NOUNS | frozenset(
    "sign signs message messages banner headline headlines ad ads email caption note it one another which that".split()
)
# a clause that another verb reports or governs ("X worried that ...", "X wants to ...")
COMPLEMENT_DEPS = frozenset({"ccomp", "xcomp"})
INHERIT_DEPS = frozenset({"conj", "xcomp", "advcl", "ccomp", "parataxis", "acl", "relcl"})
# words before a quoted phrase that make it a term: the so-called “X”, a book titled “X”
TERM_CUES = frozenset({"so-called", "dubbed", "called", "titled", "entitled", "named", "word", "term", "phrase"})
# nouns that make a quoted Title Case name next to them a work's title: the show “X”, her role in “X”, the “X” star
TITLE_NOUNS = frozenset(
    """
    film films movie movies show shows series sitcom episode book books novel novels memoir memoirs song songs album
    expose exposé biography autobiography essay bestseller
    albums play plays musical opera role roles column report study documentary sequel prequel franchise
    trilogy comic comics magazine newspaper program programme star stars actor actress author director producer
    host fans installment edition title exhibit exhibition festival tour poem painting game video podcast
    """.split()
)
# verbs whose object is a phrase voiced or shown, not a work: chanting “X”, a banner proclaiming “X”
VOICING_VERBS = _forms("chant sing read proclaim display carry hold wear print scrawl spell shout cry")

# names nobody speaks: participles that name ("Dubbed the “...”", "was nicknamed “...”"), verbs whose "as" names
# ("known as", "identified as"), and nouns of a name ("earned him the nickname “...”")
NAMING_PARTICIPLES = frozenset("dubbed nicknamed named christened renamed titled entitled".split())
NAMING_AS = frozenset("known identified referred".split())
NAME_NOUNS = frozenset("nickname nicknames moniker monikers alias aliases sobriquet pseudonym pseudonyms aka".split())
# pronouns of a person who gives a name ("he gave him the nickname “...”")
SPEAKING_PRONOUNS = frozenset("i we you he she they who".split())
# verbs that give a thing a name of someone's choosing: "X called the plan “a disaster”", "deemed him “well qualified”"
NAMING_VERBS = _forms("call dub deem label brand term pronounce")
# verbs that cast a thing in a role with "as": "X dismissed it as “disarray”", "seen by organizers as a “lifeboat”"
AS_VERBS = _forms(
    """
    describe characterize characterise label brand dismiss view see portray cast refer sum depict paint present
    denounce deride tout hail frame regard define mock ridicule condemn decry blast slam criticize criticise attack
    praise tag offer know pitch style peg treat wave
    """
) | frozenset({"saw", "seen", "known", "cast", "painted"})
# the emphatic auxiliary a parse may read as the main verb: "Trump did post on Twitter that ..."
DID = frozenset({"did", "does", "do"})
# verbs of saying whose object is the one told ("X told CNN, ...")
TELLING = _forms("tell assure remind inform") | frozenset({"told"})
OPEN_MARKS = "“"
CLOSE_MARKS = "”"
STRAIGHT = '"'
DOUBLE_APOSTROPHE = "''"
OPENERS_BEFORE = " \t\n([{—–-/"
MAX_TERM_TOKENS = 5
MAX_ANCESTOR_STEPS = 40
# events, states, times and things, which never say anything: "the arrest", "a firestorm", "the plan", "the eyes"
# (an allow-list of speaking nouns lost more right speakers than it stopped wrong ones: the ways to describe
# a person are open-ended, "the retired neurosurgeon", "the GOP front-runner", "the Lincoln actor")
NON_SPEAKERS = frozenset(
    """
    arrest arrests firestorm storm backlash outcry uproar furor furore controversy scandal crisis fight battle
    war attack attacks shooting incident accident crash fire blaze explosion flood drought protest riot
    election vote race move decision levy tax budget deal talks meeting hearing trial investigation probe
    rise fall increase decrease cut change growth crunch problem issue question criticism reaction debate
    conflict dispute clash row feud spat turmoil chaos unrest violence death deaths killing murder
    collapse shutdown strike strikes walkout lockout recession boom slump surge spike drop decline
    process shakeup performance transition session discussion trip visit tour bubble use
    time day week month year summer winter spring way situation money work win system practice theme
    thinking passion power naivete creation information anonymity generation history taste mandate
    smile smiles hat plane planes server headquarters mirror mirrors disruption disruptions
    """.split()
)
# nouns of one gender, for a described speaker "he"/"she" may not take up ("a young man asked ... she said")
FEMALE_NOUNS = frozenset("woman girl lady mother daughter wife sister aunt grandmother widow actress".split())
MALE_NOUNS = frozenset("man boy gentleman father son husband brother uncle grandfather widower actor".split())
# participles of a voice raised in a crowd, whose noun is the one speaking: "students chanting “...”", "a man
# yelling “...”" (not "an email to supporters saying ...": the document says it)
VOCAL_PARTICIPLES = frozenset("chanting shouting yelling screaming singing crying jeering bellowing".split())
# passive speech verbs whose subject is still the one speaking: "X was quoted as saying", "was cited as saying",
# "was heard shouting"
PASSIVE_SPEAKERS = frozenset("quoted cited heard recorded overheard caught".split())
# passive speech verbs whose "by" agent passes on someone else's words: "echoed by her campaign"
RELAYED = frozenset("echoed reported mentioned repeated relayed".split())
