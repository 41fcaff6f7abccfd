"""Small per-language profiles: the words a rule needs that no library holds.

Month, weekday and country names come from CLDR (babel), sentences from pysbd, the language from
py3langid; a profile adds only the closed classes of news writing: speech verbs (both word
orders), source markers ("according to", « selon », „laut“), titles and honorifics, and the
words that signal a meeting, an agreement, a negotiation or an intention. Every entry is a word
of the language, written for the profile: none exists because a development article contains it.

An article in a language without a profile gets ``NEUTRAL``: no language rules at all (no
attribution in code, no word hints), never another language's rules.

Patterns are matched case-insensitively on whole words (``\\b…\\b``), with a trailing ``\\w*``
only where a stem is meant (``negoti\\w*``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class LanguageProfile:
    """The closed word classes one language's rules use (regex alternations, whole words)."""

    code: str
    speech: str = ""  # speech verbs as they appear next to the speaker, any tense
    auxiliary: str = ""  # "X a déclaré", "X ha detto", "X has said": the auxiliary between
    source: str = ""  # "according to X", « selon X », „laut X“: X is the source
    source_after: str = ""  # „X zufolge“: the marker follows the source
    titles: str = ""  # honorifics and offices written before a name
    title_suffixes: str = ""  # productive title endings (German "-chefin", "-ministerin")
    meeting: str = ""  # words reporting a meeting
    agreement: str = ""  # words naming an agreement
    negotiation: str = ""  # words of negotiation
    intention: str = ""  # words and forms carrying a promise or plan
    joint_act: str = ""  # signing, hosting: two people in such an act may be a meeting
    document_title: str = ""  # words after which a quoted passage is a title ("agreement")
    document_cue: str = ""  # "the document says": an excerpt, no human speaker
    pronouns: str = ""  # subject pronouns: "he said", « a-t-elle ajouté », „sagte sie“
    pro_drop: bool = False  # the subject may be left out: "—añadió." / ", ha aggiunto."
    prepositions: str = ""  # "told to X", « à M. X »: the name after one is an addressee
    determiners: str = ""  # possessives, demonstratives, quantifiers: never part of a name
    credit: str = ""  # bylines and picture credits before a name ("By", « Par », "Foto")
    capitalised_nouns: bool = False  # German: every noun is capitalised, so a run of
    # capitalised words before a name is nouns and titles; a name is its last two words

    @property
    def has_rules(self) -> bool:
        return bool(self.speech)


NEUTRAL = LanguageProfile(code="")

_EN = LanguageProfile(
    code="en",
    speech="said|says|say|told|tells|added|adds|stated|states|declared|insisted|insists|"
    "explained|explains|warned|warns|noted|notes|argued|argues|wrote|writes|replied|"
    "recalled|stressed|stresses|asked|acknowledged|admitted|continued|announced|promised|"
    "pledged|vowed|remarked|observed|commented|conceded|cautioned|predicted|emphasised|"
    "emphasized|maintained|suggested|recalls|joked|quipped|conceded|countered|responded|"
    "explained|complained|boasted|admits|concluded|confirmed|reiterated|urged|"
    "told reporters|said in a statement|tweeted|posted",
    auxiliary="has|had|also|later|then",
    source="according to",
    titles=r"mr\.?|mrs\.?|ms\.?|dr\.?|prof\.?|sen\.?|rep\.?|gov\.?|gen\.?|president|"
    r"vice president|prime minister|minister|chancellor|secretary|senator|representative|"
    r"mayor|governor|judge|sir|dame|lord|lady|pope|king|queen|prince|princess|"
    r"chief executive|ceo|chairman|chairwoman|chair|spokesman|spokeswoman|spokesperson|"
    r"director|premier|ambassador|commissioner|coach|manager|general|admiral|professor|"
    r"chief|officer|financial|operating|executive|analyst|economist|editor|writer|reviewer|"
    r"reporter|correspondent|columnist|founder|boss|striker|midfielder|defender|goalkeeper|"
    r"captain|deputy|senior|head|leader|councillor|councilor|spokesperson|councilmember|"
    r"councilwoman|councilman|alderman|attorney|lawyer|barrister|solicitor|counsel|justice",
    meeting=r"meet\w*|met|talks|summit\w*|visit\w*|host\w*|welcom\w*|sat down with|"
    r"conferred|hold talks|held talks|gather\w*",
    agreement=r"agreement\w*|deal|deals|accord|accords|treaty|treaties|pact|pacts|framework|"
    r"memorandum|contract\w*|partnership|settlement|arrangement\w*|ceasefire|truce",
    negotiation=r"negotiat\w*|talks|discuss\w*|bargain\w*",
    intention=r"will|shall|won't|\w+['’]ll|going to|is to|are to|plans?|planned|planning|"
    r"pledg\w*|promis\w*|commit\w*|intends?|intended|aims?|vow\w*|expects? to|"
    r"set to|due to|by (?:the end of )?\d{4}|undertak\w*|agreed to",
    joint_act=r"sign\w*|host\w*|welcom\w*|receiv\w*",
    document_title=r"agreement|treaty|pact|plan|programme|program|declaration|initiative|"
    r"operation|act|bill|law|report|strategy|entitled|titled|called|dubbed|named|so-called",
    document_cue=r"the (?:document|text|statement|report|release|filing)",
    credit=r"by|logo|photo|photograph|picture|image|credit|illustration|reporting by|written by",
    pronouns="he|she|they|we|i",
    determiners="his|her|their|our|my|its|this|that|these|those|every|all|many|some|both|two|three|former|new",
    prepositions="to|at|with|for|about|of",
)

_FR = LanguageProfile(
    code="fr",
    speech="déclaré|déclare|dit|affirmé|affirme|ajouté|ajoute|assuré|assure|souligné|"
    "souligne|expliqué|explique|estimé|estime|lancé|lance|répondu|répond|insisté|insiste|"
    "précisé|précise|poursuivi|poursuit|martelé|martèle|confié|confie|prévenu|prévient|"
    "rappelé|rappelle|indiqué|indique|annoncé|annonce|promis|promet|commenté|commente|"
    "reconnu|reconnaît|jugé|juge|observé|observe|noté|note|averti|avertit|écrit|"
    "déploré|déplore|résumé|résume|ironisé|ironise|tranché|tranche|admis|admet|"
    "renchéri|renchérit|plaidé|plaide|attaqué|attaque|réagi|réagit|répliqué|réplique|"
    "relevé|relève|nuancé|nuance|raconté|raconte|souri|sourit|plaisanté|plaisante|"
    "dénoncé|dénonce|s'est félicité|se félicite|s'est réjoui|se réjouit|s'est exclamé|"
    "s'est inquiété|s'inquiète|s'emporte|s'est emporté|regretté|regrette|résumé|"
    "confirmé|confirme|concédé|concède|glissé|glisse|soupiré|soupire|interrogé|"
    "s'interroge|protesté|proteste|avancé|avance|argumenté|argumente|détaillé|détaille|"
    "se souvient|s'est souvenu|témoigné|témoigne|conclu|conclut|expliquait|disait",
    auxiliary="a|lui a|a également|a encore|a ensuite|avait|ont",
    source="selon|d'après|d’après",
    titles=r"m\.|mme|mlle|me|mgr|dr|pr|président|présidente|ministre|premier ministre|"
    r"première ministre|secrétaire|maire|chancelier|chancelière|directeur|directrice|pdg|"
    r"général|générale|sénateur|sénatrice|député|députée|ambassadeur|ambassadrice|"
    r"porte-parole|juge|pape|roi|reine|prince|princesse|professeur|professeure|"
    r"commissaire|gouverneur|entraîneur|patron|patronne|avocat|avocate|maître|adjoint|adjointe|"
    r"élu|élue|conseiller|conseillère|procureur|procureure|présidente du|délégué|déléguée",
    meeting=r"rencontr\w*|entretien\w*|entretenu\w*|sommet\w*|réuni\w*|réunion\w*|"
    r"visite\w*|accueilli\w*|reçu\w*|s'est rendu\w*|s’est rendu\w*|tête-à-tête|"
    r"pourparlers|discuté\w*",
    agreement=r"accord\w*|pacte\w*|traité\w*|cadre|entente\w*|arrangement\w*|protocole\w*|"
    r"mémorandum\w*|contrat\w*|convention\w*|partenariat\w*|cessez-le-feu|trêve\w*",
    negotiation=r"négoci\w*|pourparlers|discussion\w*|tractation\w*",
    intention=r"\w{2,}(?:erai|eras|era|erons|erez|eront|rai|ras|ra|rons|rez|ront|rait|"
    r"raient)|va|vont|doit|doivent|devra\w*|promis\w*|promet\w*|engag\w*|prévoi\w*|"
    r"prévoy\w*|prévu\w*|entend\w*|compte\w*|veut|veulent|souhait\w*|envisag\w*|"
    r"d'ici|d’ici|projet\w*|s'apprête\w*|s’apprête\w*",
    joint_act=r"sign\w*|paraph\w*|scell\w*|conclu\w*|accueil\w*|reçu\w*",
    document_title=r"accord|traité|pacte|plan|programme|déclaration|opération|loi|projet|"
    r"rapport|stratégie|intitulée?|baptisée?|nommée?|appelée?|dite?|dénommée?",
    document_cue=r"(?:le|du|au|ce) (?:document|texte|communiqué|rapport)",
    credit=r"par|logo|photo|crédit|illustration|image",
    pronouns="il|elle|ils|elles|t-il|t-elle|t-ils|t-elles|je|nous|on",
    determiners="son|sa|ses|leur|leurs|notre|nos|mon|ma|mes|ce|cet|cette|ces|tous|toutes|plusieurs|deux|trois",
    prepositions="à|au|aux|avec|de|pour|contre|envers",
)

_DE = LanguageProfile(
    code="de",
    speech="sagte|sagt|sagten|erklärte|erklärt|betonte|betont|meinte|meint|ergänzte|"
    "ergänzt|warnte|warnt|versicherte|versichert|unterstrich|unterstreicht|schrieb|"
    "schreibt|antwortete|antwortet|berichtete|berichtet|bekräftigte|bekräftigt|"
    "versprach|verspricht|kritisierte|kritisiert|forderte|fordert|erläuterte|erläutert|"
    "sprach|spricht|hieß es|fügte|räumte|kündigte|stellte|zeigte sich|mahnte|mahnt|"
    "beklagte|beklagt|lobte|lobt|bestätigte|bestätigt|verwies|verweist|räumte ein|"
    "fügte hinzu|erzählte|erzählt|berichtete|meinte|kommentierte|kommentiert|"
    "entgegnete|entgegnet|konterte|kontert|resümierte|sagt|sagen|urteilte|"
    "argumentierte|argumentiert|verteidigte|verteidigt|begründete|begründet|"
    "erinnerte|erinnert|gab zu|gab zu bedenken|zitiert|heißt es|stellte klar",
    auxiliary="hat|habe|hatte",
    source="laut|nach Angaben von|nach Worten von",
    source_after="zufolge",
    titles=r"herr|herrn|frau|dr\.?|prof\.?|präsident|präsidentin|präsidenten|kanzler|"
    r"kanzlerin|bundeskanzler|bundeskanzlerin|minister|ministerin|ministers|"
    r"ministerpräsident|ministerpräsidentin|bürgermeister|bürgermeisterin|"
    r"regierungschef|regierungschefin|chef|chefin|sprecher|sprecherin|geschäftsführer|"
    r"geschäftsführerin|direktor|direktorin|vorsitzende|vorsitzender|vorsitzenden|"
    r"botschafter|botschafterin|richter|richterin|papst|könig|königin|trainer|trainerin|"
    r"senator|senatorin|abgeordnete|abgeordneter|staatssekretär|staatssekretärin|anwalt|"
    r"anwältin|rechtsanwalt|rechtsanwältin|stadtrat|stadträtin|analyst|analystin",
    title_suffixes=r"chef|chefin|präsident|präsidentin|präsidenten|minister|ministerin|"
    r"kanzler|kanzlerin|sprecher|sprecherin|führer|führerin|direktor|direktorin|meister|"
    r"meisterin|rat|rätin|vorsitzende|vorsitzender|anwalt|anwältin|analyst|analystin|"
    r"loge|login|leiter|leiterin|berater|beraterin|experte|expertin",
    meeting=r"treff\w*|traf\w*|getroffen|gipfel\w*|besuch\w*|empf\w*|zusammenkunft|"
    r"gespräch\w*|begegnung\w*|sitzung\w*|beratung\w*|kamen zusammen|zusammengekommen",
    agreement=r"abkommen\w*|vereinbarung\w*|vertrag\w*|verträge\w*|übereinkunft|"
    r"einigung\w*|pakt\w*|absichtserklärung\w*|rahmenwerk\w*|partnerschaft\w*|"
    r"\w+abkommen\w*|\w+vertrag\w*|\w+vereinbarung\w*|waffenruhe|waffenstillstand|deal",
    negotiation=r"verhandl\w*|gespräch\w*|beratung\w*|sondier\w*",
    intention=r"wird|werden|würde|würden|will|wollen|soll|sollen|plant\w*|geplant\w*|"
    r"versprach|versprochen|verspricht|zugesagt|sagte zu|sagten zu|zusage\w*|"
    r"verpflicht\w*|beabsichtig\w*|vorgesehen|kündigte an|angekündigt|bis (?:zum |ende )?"
    r"\d{4}|bis ende|bis spätestens",
    joint_act=r"unterzeichn\w*|unterschrieb\w*|unterschrieben|empf\w*|besiegelt\w*",
    document_title=r"abkommen|vertrag|pakt|plan|programm|erklärung|initiative|gesetz|"
    r"bericht|strategie|titel|namens|genannt|sogenannte\w*",
    document_cue=r"(?:das|im|dem|des) (?:dokument|papier|schreiben|text|bericht)\w*",
    credit=r"von|logo|foto|bild|grafik|illustration",
    pronouns="er|sie|ich|wir",
    determiners="ihnen|ihm|uns|euch|ihr|ihre|ihren|ihrem|ihrer|sein|seine|seinen|seinem|seiner|unser|unsere|mein|meine|dieser|diese|dieses|jeder|jede|alle|viele|einige|beide|zwei|drei",
    prepositions="zu|an|mit|gegenüber|über|für|von",
    capitalised_nouns=True,
)

_ES = LanguageProfile(
    code="es",
    speech="dijo|dice|afirmó|afirma|declaró|declara|aseguró|asegura|explicó|explica|"
    "señaló|señala|añadió|añade|subrayó|subraya|advirtió|advierte|indicó|indica|sostuvo|"
    "sostiene|destacó|destaca|insistió|insiste|agregó|agrega|manifestó|manifiesta|"
    "prometió|promete|apuntó|apunta|comentó|comenta|reconoció|reconoce|precisó|precisa|"
    "recordó|recuerda|escribió|respondió|responde|aclaró|lamentó|celebró|defendió|"
    "anunció|anuncia|expresó|concluyó|remarcó|enfatizó|contó|cuenta|relató|relata|"
    "sentenció|zanjó|ironizó|bromeó|criticó|critica|denunció|denuncia|replicó|replica|"
    "resumió|resume|confesó|admitió|admite|avisó|avanzó|detalló|detalla|pidió|pide|"
    "reivindicó|defiende|valoró|valora|matizó|lamenta|celebra|explicaba|decía|"
    "se felicitó|se congratuló|sostenía",
    auxiliary="ha|había|han",
    source="según|de acuerdo con",
    titles=r"sr\.|sra\.|srta\.|d\.|dña\.|don|doña|presidente|presidenta|ministro|ministra|"
    r"alcalde|alcaldesa|secretario|secretaria|canciller|director|directora|consejero|"
    r"consejera|portavoz|diputado|diputada|senador|senadora|embajador|embajadora|juez|"
    r"jueza|papa|rey|reina|príncipe|princesa|entrenador|entrenadora|gobernador|"
    r"gobernadora|vicepresidente|vicepresidenta|primer ministro|primera ministra|abogado|"
    r"abogada|fiscal|concejal|concejala|edil|delegado|delegada|líder|jefe|jefa",
    meeting=r"reuni\w*|reún\w*|reunión|encuentro\w*|cumbre\w*|visit\w*|recibi\w*|entrevist\w*|"
    r"se reunió|se reunieron|conversaci\w*|dialog\w*|diálogo",
    agreement=r"acuerdo\w*|tratado\w*|pacto\w*|convenio\w*|memorando\w*|contrato\w*|"
    r"alianza\w*|marco|protocolo\w*|entendimiento|alto el fuego|tregua",
    negotiation=r"negoci\w*|conversaciones|diálogo|tratativas",
    intention=r"\w{2,}(?:ré|rás|rá|remos|réis|rán|ría|rías|ríamos|rían)|va a|van a|"
    r"prometi\w*|promete\w*|compromet\w*|compromiso\w*|prevé|prevén|previst\w*|"
    r"plane\w*|pretende\w*|busca\w*|quiere\w*|anunci\w*|para (?:el|finales de|\d{4})|"
    r"antes de|a más tardar",
    joint_act=r"firm\w*|suscrib\w*|rubric\w*|recib\w*|acogi\w*",
    document_title=r"acuerdo|tratado|pacto|plan|programa|declaración|iniciativa|operación|"
    r"ley|proyecto|informe|estrategia|titulad[oa]|llamad[oa]|denominad[oa]|bautizad[oa]",
    document_cue=r"(?:el|del|al|este) (?:documento|texto|comunicado|informe)",
    credit=r"por|logo|foto|imagen|ilustración",
    pronouns="él|ella|ellos|ellas|yo|nosotros",
    determiners="su|sus|nuestro|nuestra|nuestros|mi|mis|este|esta|estos|estas|todos|todas|varios|dos|tres",
    pro_drop=True,
    prepositions="a|al|con|ante|sobre|de|para",
)

_IT = LanguageProfile(
    code="it",
    speech="detto|dice|dichiarato|dichiara|affermato|afferma|spiegato|spiega|aggiunto|"
    "aggiunge|sottolineato|sottolinea|assicurato|assicura|ribadito|ribadisce|osservato|"
    "osserva|precisato|precisa|commentato|commenta|avvertito|avverte|promesso|promette|"
    "annunciato|annuncia|scritto|scrive|risposto|risponde|ammesso|ammette|insistito|"
    "insiste|evidenziato|evidenzia|concluso|conclude|rimarcato|puntualizzato|spiegò|disse|"
    "raccontato|racconta|replicato|replica|denunciato|denuncia|criticato|critica|"
    "ricordato|ricorda|confermato|conferma|chiarito|chiarisce|rivendicato|rivendica|"
    "sostenuto|sostiene|attaccato|attacca|ironizzato|esordito|esordisce|incalzato|"
    "tagliato corto|confidato|confida|auspicato|auspica|dichiarò|affermò|commentò",
    auxiliary="ha|aveva|hanno",
    source="secondo|stando a",
    titles=r"sig\.|sig\.ra|dott\.|dott\.ssa|prof\.|on\.|avv\.|ing\.|presidente|"
    r"presidentessa|ministro|ministra|sindaco|sindaca|segretario|segretaria|direttore|"
    r"direttrice|premier|cancelliere|portavoce|assessore|assessora|senatore|senatrice|"
    r"deputato|deputata|ambasciatore|ambasciatrice|giudice|papa|re|regina|principe|"
    r"principessa|allenatore|governatore|amministratore delegato|ad|avvocato|avvocata|"
    r"procuratore|procuratrice|consigliere|consigliera|capogruppo|leader",
    meeting=r"incontr\w*|vertice\w*|riuni\w*|riunion\w*|visit\w*|ricevut\w*|colloqui\w*|"
    r"faccia a faccia|summit",
    agreement=r"accord\w*|intes\w*|trattat\w*|patto|patti|memorandum|contratt\w*|"
    r"protocoll\w*|convenzion\w*|partenariato|tregua|cessate il fuoco",
    negotiation=r"negozi\w*|trattativ\w*|colloqui\w*|tavolo",
    intention=r"\w{2,}(?:rò|rai|rà|remo|rete|ranno|rebbe|rebbero)|promess\w*|promett\w*|"
    r"impegn\w*|prevede\w*|previst\w*|intende\w*|punta\w*|vuole|vogliono|pianific\w*|"
    r"annunci\w*|entro",
    joint_act=r"firm\w*|sottoscri\w*|siglat\w*|accolt\w*|ricevut\w*",
    document_title=r"accordo|trattato|patto|piano|programma|dichiarazione|iniziativa|"
    r"operazione|legge|progetto|rapporto|strategia|intitolat[oa]|chiamat[oa]|"
    r"denominat[oa]|battezzat[oa]|cosiddett[oa]",
    document_cue=r"(?:il|del|nel|questo) (?:documento|testo|comunicato|rapporto)",
    credit=r"di|logo|foto|immagine|illustrazione",
    pronouns="lui|lei|loro|io|noi",
    determiners="suo|sua|suoi|sue|nostro|nostra|mio|mia|questo|questa|questi|queste|tutti|tutte|due|tre",
    pro_drop=True,
    prepositions="a|al|alla|ai|con|su|di|per",
)

PROFILES: dict[str, LanguageProfile] = {p.code: p for p in (_EN, _FR, _DE, _ES, _IT)}


def profile(language: str | None) -> LanguageProfile:
    """The profile of ``language`` (ISO 639-1), or ``NEUTRAL`` when it has none."""
    return PROFILES.get((language or "").casefold()[:2], NEUTRAL)


@lru_cache(maxsize=256)
def words_pattern(alternation: str) -> re.Pattern[str] | None:
    """A case-insensitive whole-word pattern for a profile alternation (None when empty)."""
    if not alternation:
        return None
    return re.compile(rf"(?<!\w)(?:{alternation})(?!\w)", re.IGNORECASE)


def mentions(alternation: str, text: str) -> bool:
    """True when ``text`` holds a word of the profile alternation."""
    pattern = words_pattern(alternation)
    return pattern is not None and pattern.search(text) is not None
