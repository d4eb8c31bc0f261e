"""Named entities of one article: spaCy NER plus the rules the small model needs on news.

``extract_entities(doc)`` reads one parsed Doc (no second spaCy pass) and returns one ``Entity`` per
real-world thing, named by the fullest name the article gives, with every mention's offsets into
``doc.text``. One module per step, each linear in the number of tokens:

1. ``candidates``: candidate spans from ``doc.ents``, cleaned: no leading "the", no trailing punctuation
   or "'s", no leading title inside a PERSON span, headline verbs split out ("Xi Presses Trump");
2. ``roles``: the words left of a span: an honorific ("Mr.", "Ms.", "Dr.") or a role ("Commerce
   Secretary", "Chinese President", "Secretary of State") is person evidence and a mention attribute;
   ``missed``: names after an honorific that the model missed become spans (and known surnames,
   acronyms in brackets);
3. ``vote``: one type per surface string, voted over the article: "Trump" in "the Trump administration"
   (tagged ORG) is the person Trump is everywhere else, "Busan" in "the Busan summit" (tagged
   PERSON) is the city it is in "in Busan";
4. ``persons``: short forms join the full name they can stand for ("Mr. Xi" -> "Xi Jinping"); when
   two people share a surname, the honorific's gender or the closest preceding mention decides,
   and without evidence the short form stays apart (``descriptions``: spans that describe rather
   than name a person are left out first);
5. ``others``: organizations and places: same name key, and acronyms ("FDD", "U.S.") join their expansion;
6. ``appositives``: attributes from the dependency parse: appositives ("Karoline Leavitt, the White
   House press secretary,") and "of Japan" after a name.
``core`` runs the steps in order and ``assemble`` makes the entities; ``spans`` holds the span the steps
pass on, ``rules`` the word lists and weights they read.

Mentions exclude honorifics and roles: "Mr. Xi" is a mention "Xi" with {"honorific": "Mr."}.
Person mention attributes: "honorific" ("Mr."), "role" ("Commerce Secretary", "the White House press
secretary"), "affiliation" ("Chinese" before the title, "Japan" in "of Japan"), "description" (an
appositive when a title already gave the role). Other types carry no attributes.
"""

from worker.pipeline.extract.entities.core import extract_entities

__all__ = ["extract_entities"]
