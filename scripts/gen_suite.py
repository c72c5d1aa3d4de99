#!/usr/bin/env python3
"""gen_suite.py -- writes moderato's own functional test suite (docs/SUITE.md).

Every template, identity term and placeholder below was written for this
project; nothing is copied from a public suite. Output is deterministic: the
same script always writes the same bytes (no clock, no unseeded randomness,
dict order fixed by the code).

usage: python3 scripts/gen_suite.py [-o data/suite/functional.jsonl]
"""
import argparse
import json
import os
import random
import sys

SEED = 20261125

# ==== Identity terms (ours) ====
# (plural noun phrase, short form used in "as a ... person" style templates)
GROUPS = {
    "en": ["women", "immigrants", "Muslims", "Jews", "gay people", "trans people",
           "Black people", "disabled people", "refugees", "Asians", "Christians",
           "old people"],
    "de": ["Frauen", "Ausländer", "Muslime", "Juden", "Schwule", "trans Menschen",
           "Schwarze", "Behinderte", "Flüchtlinge", "Asiaten"],
    "pt": ["mulheres", "imigrantes", "muçulmanos", "judeus", "gays", "pessoas trans",
           "negros", "deficientes", "refugiados", "indígenas"],
}

# Names for person-directed cases (neutral, invented).
NAMES = {
    "en": ["Sam", "Alex", "Jordan"],
    "de": ["Jonas", "Lena", "Tim"],
    "pt": ["Pedro", "Ana", "Rafa"],
}

# Profanity aimed at a person: (template, key word that obfuscation targets).
PROF_AT = {
    "en": [("you are a fucking idiot", "fucking"), ("shut the fuck up, {name}", "fuck"),
           ("{name}, you worthless piece of shit", "shit"), ("fuck you {name}", "fuck"),
           ("you stupid bitch, nobody asked you", "bitch"), ("{name} is a total asshole", "asshole"),
           ("go fuck yourself, loser", "fuck"), ("you're a dumb motherfucker", "motherfucker")],
    "de": [("du bist ein verdammter Idiot", "Idiot"), ("halt die Fresse, {name}", "Fresse"),
           ("{name}, du Arschloch", "Arschloch"), ("fick dich, {name}", "fick"),
           ("du blöde Schlampe", "Schlampe"), ("du dummer Wichser", "Wichser")],
    "pt": [("você é um idiota do caralho", "caralho"), ("cala a boca, {name}, seu merda", "merda"),
           ("{name}, vai se foder", "foder"), ("seu filho da puta", "puta"),
           ("você é um babaca inútil", "babaca"), ("{name} é um otário de merda", "merda")],
}

# Profanity not aimed at anyone.
PROF_NOT = {
    "en": ["fuck, I missed the bus again", "holy shit, that concert was amazing",
           "damn, this coffee is strong", "well shit, the server is down again",
           "what the fuck just happened in that final", "I'm so fucking tired today",
           "shit, I forgot my keys", "this game is fucking awesome"],
    "de": ["Scheiße, ich habe den Bus verpasst", "verdammt, ist das heiß heute",
           "scheiße, mein Handy ist kaputt", "das Konzert war verdammt gut",
           "so ein Mist, schon wieder Stau", "heilige Scheiße, was für ein Tor"],
    "pt": ["merda, perdi o ônibus de novo", "caralho, que show incrível",
           "porra, esqueci minhas chaves", "puta merda, que golaço",
           "que droga, a internet caiu", "caramba, que calor hoje"],
}

DEROGATION = {
    "en": [("I hate {g}", "hate"), ("{g} are disgusting", "disgusting"),
           ("{g} are all worthless", "worthless"), ("all {g} are stupid", "stupid"),
           ("{g} should not be allowed to vote", "allowed"), ("I can't stand {g}, they ruin everything", "ruin"),
           ("{g} are a disgrace to this country", "disgrace"), ("never trust {g}, they are all liars", "liars")],
    "de": [("ich hasse {g}", "hasse"), ("{g} sind widerlich", "widerlich"),
           ("alle {g} sind dumm", "dumm"), ("{g} sind wertlos", "wertlos"),
           ("{g} sind eine Schande für dieses Land", "Schande"), ("man kann {g} nicht trauen, alles Lügner", "Lügner")],
    "pt": [("eu odeio {g}", "odeio"), ("{g} são nojentos", "nojentos"),
           ("todos os {g} são burros", "burros"), ("{g} não valem nada", "valem"),
           ("{g} são uma vergonha para este país", "vergonha"), ("não dá para confiar em {g}, são todos mentirosos", "mentirosos")],
}

DEHUMAN = {
    "en": [("{g} are vermin", "vermin"), ("{g} are animals, not people", "animals"),
           ("{g} are a disease on society", "disease"), ("{g} are parasites", "parasites"),
           ("{g} are subhuman trash", "subhuman"), ("{g} breed like rats", "rats")],
    "de": [("{g} sind Ungeziefer", "Ungeziefer"), ("{g} sind Tiere, keine Menschen", "Tiere"),
           ("{g} sind Parasiten", "Parasiten"), ("{g} sind eine Krankheit", "Krankheit")],
    "pt": [("{g} são vermes", "vermes"), ("{g} são animais, não pessoas", "animais"),
           ("{g} são parasitas", "parasitas"), ("{g} são uma praga", "praga")],
}

THREAT_GROUP = {
    "en": [("I will kill all {g}", "kill"), ("{g} should be shot", "shot"),
           ("someone should burn down the homes of {g}", "burn"), ("we need to wipe out {g}", "wipe"),
           ("{g} deserve to be beaten", "beaten")],
    "de": [("ich werde alle {g} umbringen", "umbringen"), ("man sollte {g} erschießen", "erschießen"),
           ("{g} gehören verprügelt", "verprügelt"), ("wir müssen {g} auslöschen", "auslöschen")],
    "pt": [("vou matar todos os {g}", "matar"), ("{g} deviam levar um tiro", "tiro"),
           ("temos que exterminar os {g}", "exterminar"), ("{g} merecem apanhar", "apanhar")],
}

THREAT_PERSON = {
    "en": [("I will kill you, {name}", "kill"), ("{name}, I'm going to break your legs", "break"),
           ("watch your back {name}, I know where you live", "live"),
           ("I'll stab you if I see you again", "stab"), ("you're dead meat, {name}", "dead")],
    "de": [("ich bring dich um, {name}", "bring"), ("{name}, ich breche dir die Beine", "breche"),
           ("pass auf, {name}, ich weiß wo du wohnst", "wohnst")],
    "pt": [("vou te matar, {name}", "matar"), ("{name}, vou quebrar suas pernas", "quebrar"),
           ("cuidado, {name}, eu sei onde você mora", "mora")],
}

# Group-directed epithets built from profanity (no slur list needed).
EPITHET = {
    "en": [("shut up, you filthy {g1} scum", "scum"), ("{g} are fucking scum", "fucking"),
           ("piss off back home, you {g1} bastards", "bastards")],
    "de": [("verpisst euch, ihr dreckigen {g}", "dreckigen"), ("{g} sind Abschaum", "Abschaum")],
    "pt": [("some daqui, seus {g} imundos", "imundos"), ("{g} são uma escória", "escória")],
}

NEGATION = {
    "en": ["I don't hate {g}", "{g} are not disgusting at all", "I would never say {g} are worthless",
           "it is not true that {g} are stupid", "nobody should hate {g}", "{g} are not vermin, they are people"],
    "de": ["ich hasse {g} nicht", "{g} sind überhaupt nicht widerlich", "es stimmt nicht, dass {g} dumm sind",
           "niemand sollte {g} hassen"],
    "pt": ["eu não odeio {g}", "{g} não são nojentos", "não é verdade que {g} são burros",
           "ninguém deveria odiar {g}"],
}

COUNTER = {
    "en": ["saying \"{g} are vermin\" is disgusting and you should be ashamed",
           "if you tweet \"I hate {g}\" you are the problem",
           "I keep seeing people call {g} parasites. That is dehumanising and wrong.",
           "stop telling {g} they are worthless, it's hateful",
           "reported the account that said {g} should be shot"],
    "de": ["wer sagt \"{g} sind Ungeziefer\", sollte sich schämen",
           "hört auf zu behaupten, {g} seien wertlos, das ist Hetze",
           "ich habe den Account gemeldet, der {g} Parasiten genannt hat"],
    "pt": ["dizer que \"{g} são vermes\" é nojento e errado",
           "parem de dizer que {g} não valem nada, isso é ódio",
           "denunciei a conta que chamou {g} de parasitas"],
}

RECLAIMED = {
    "en": ["proud to be queer and loud about it", "us dykes are going to the march together",
           "my fellow queers, happy pride!", "as a queer woman this film meant a lot to me",
           "crip joy is real, ask any of us", "we queers look after each other"],
    "de": ["stolz, schwul zu sein", "wir Lesben gehen zusammen zur Demo", "queer und glücklich, so ist es"],
    "pt": ["orgulho de ser sapatão", "nós, bichas, vamos juntas para a parada", "sou queer e feliz"],
}

NEUTRAL = {
    "en": ["there are many {g} in my neighbourhood", "the report is about {g} in the labour market",
           "I met some {g} at the conference", "the article interviews {g} about housing",
           "{g} make up a large part of our town"],
    "de": ["in meiner Nachbarschaft leben viele {g}", "der Bericht handelt von {g} auf dem Arbeitsmarkt",
           "ich habe auf der Konferenz einige {g} getroffen"],
    "pt": ["há muitos {g} no meu bairro", "o relatório fala sobre {g} no mercado de trabalho",
           "conheci alguns {g} na conferência"],
}

POSITIVE = {
    "en": ["I love working with {g}", "{g} have made this city better", "so grateful for the {g} in my life",
           "{g} deserve respect and equal rights", "the {g} in my class are brilliant"],
    "de": ["ich arbeite gern mit {g}", "{g} haben diese Stadt besser gemacht", "{g} verdienen Respekt"],
    "pt": ["adoro trabalhar com {g}", "{g} tornaram esta cidade melhor", "{g} merecem respeito"],
}

OBJECTS = {
    "en": ["this song is trash", "that movie was absolute garbage", "my laptop is a useless piece of junk",
           "this weather is disgusting", "the new update is total crap", "I hate Mondays",
           "this pizza is the worst thing I've ever eaten", "the traffic today is hell"],
    "de": ["dieses Lied ist Müll", "der Film war absoluter Schrott", "ich hasse Montage",
           "das Update ist der letzte Mist", "dieses Wetter ist widerlich"],
    "pt": ["essa música é um lixo", "o filme foi uma porcaria", "odeio segundas-feiras",
           "essa atualização é uma droga", "esse tempo está horrível"],
}

SPAM = {
    "en": ["subscribe to my channel for free gift cards!!!", "DM me to make $5000 a week from home",
           "crypto giveaway: send 0.1 BTC and get 1 BTC back", "click the link in my bio for free followers",
           "earn passive income with this one trick, DM me now", "FREE iPhone giveaway, follow and share to win",
           "join my telegram for guaranteed crypto signals 100x", "hot singles in your area, click here"],
    "de": ["abonniere meinen Kanal für gratis Gutscheine!!!", "schreib mir eine DM und verdiene 5000 € pro Woche",
           "Krypto-Gewinnspiel: sende 0,1 BTC und erhalte 1 BTC zurück", "Link in der Bio für gratis Follower",
           "tritt meiner Telegram-Gruppe bei für sichere Krypto-Signale"],
    "pt": ["se inscreva no meu canal e ganhe vale-presentes grátis!!!", "me chama no direct para ganhar R$5000 por semana",
           "sorteio de cripto: envie 0,1 BTC e receba 1 BTC", "link na bio para seguidores grátis",
           "entre no meu grupo do telegram para sinais de cripto garantidos"],
}

SELF_HARM = {
    "en": ["I want to kill myself", "I don't want to be alive anymore", "I've been cutting myself again",
           "I'm going to end it all tonight", "nobody would miss me if I died", "I keep thinking about suicide"],
    "de": ["ich will mich umbringen", "ich will nicht mehr leben", "ich habe mich wieder geritzt",
           "heute Nacht mache ich Schluss mit allem"],
    "pt": ["eu quero me matar", "não quero mais viver", "voltei a me cortar", "vou acabar com tudo hoje à noite"],
}

RECOVERY = {
    "en": ["one year clean from self-harm today, proud of myself", "if you're struggling, please call a crisis line, you matter",
           "therapy helped me get through my suicidal thoughts", "reach out to a friend when things get dark, it helps",
           "I used to hurt myself, but I'm doing much better now", "sharing the suicide prevention hotline number for anyone who needs it"],
    "de": ["heute ein Jahr ohne Selbstverletzung, ich bin stolz", "wenn es dir schlecht geht, ruf die Telefonseelsorge an",
           "die Therapie hat mir durch meine dunkle Zeit geholfen", "früher habe ich mich verletzt, heute geht es mir besser"],
    "pt": ["um ano sem me machucar, estou orgulhosa", "se você está mal, ligue para o CVV, você importa",
           "a terapia me ajudou a superar os pensamentos suicidas", "eu me machucava, mas hoje estou bem melhor"],
}

# ==== Obfuscation (programmatic) ====
LEET = {"a": "4", "e": "3", "i": "1", "o": "0", "s": "5", "t": "7"}
HOMO = {"a": "\u0430", "e": "\u0435", "o": "\u043e", "p": "\u0440", "c": "\u0441", "i": "\u0456"}


def ob_leet(w):
    return "".join(LEET.get(c.lower(), c) for c in w)


def ob_spaced(w):
    return " ".join(w)


def ob_fullwidth(w):
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in w)


def ob_homoglyph(w):
    return "".join(HOMO.get(c, c) for c in w)


def ob_zero_width(w):
    return "\u200b".join(w)


def ob_mask(w):
    if len(w) <= 2:
        return w
    vow = [i for i, c in enumerate(w) if c.lower() in "aeiouäöü" and 0 < i < len(w) - 1]
    i = vow[0] if vow else 1
    return w[:i] + "*" + w[i + 1:]


def ob_repeat(w):
    return "".join(c * 2 if c.lower() in "aeiou" else c for c in w)


OBFUSCATIONS = [("leet", ob_leet), ("spaced", ob_spaced), ("fullwidth", ob_fullwidth),
                ("homoglyph", ob_homoglyph), ("zero_width", ob_zero_width), ("mask", ob_mask),
                ("repeat", ob_repeat)]

# functionality -> (expected labels, note)
FUNCS = {
    "derogation_group": ({"hate": 1}, "explicit derogation of a protected group"),
    "dehumanisation": ({"hate": 1}, "comparing a group to animals, vermin or disease"),
    "threat_group": ({"violence": 1}, "threat of violence against a group"),
    "threat_person": ({"violence": 1}, "threat of violence against one person"),
    "slur_epithet": ({"hate": 1}, "group term used with a profane epithet"),
    "profanity_at_person": ({"harassment": 1, "profanity": 1}, "profanity aimed at a person"),
    "profanity_not_at_person": ({"harassment": 0, "profanity": 1}, "profanity not aimed at anyone"),
    "negation": ({"hate": 0}, "negated hateful statement"),
    "counter_speech": ({"hate": 0}, "quotes or denounces abuse"),
    "reclaimed_ingroup": ({"hate": 0, "harassment": 0}, "in-group use of a reclaimed term"),
    "identity_neutral": ({"hate": 0, "harassment": 0}, "neutral mention of a group"),
    "identity_positive": ({"hate": 0, "harassment": 0}, "positive statement about a group"),
    "abuse_at_objects": ({"hate": 0, "harassment": 0}, "abuse aimed at a thing, not a person"),
    "obfuscated_hate": ({"hate": 1}, "derogation or dehumanisation with an obfuscated key word"),
    "obfuscated_profanity": ({"harassment": 1, "profanity": 1}, "person-directed profanity, obfuscated"),
    "spam_scam": ({"spam": 1}, "channel promo, crypto giveaway, DM-me scam"),
    "self_harm": ({"self_harm": 1}, "first-person self-harm or suicidal statement"),
    "self_harm_recovery": ({"self_harm": 0}, "recovery or support statement"),
}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-o", "--output", default="data/suite/functional.jsonl")
    args = ap.parse_args()
    rng = random.Random(SEED)
    cases = []
    counters = {}

    def add(func, lang, template, text, note=None, labels=None):
        k = (func, lang)
        counters[k] = counters.get(k, 0) + 1
        exp, fnote = FUNCS[func]
        cases.append({
            "id": "%s-%s-%04d" % (func, lang, counters[k]),
            "functionality": func,
            "text": text,
            "labels": dict(labels if labels is not None else exp),
            "lang": lang,
            "template": template,
            "note": note or fnote,
        })

    for lang in ("en", "de", "pt"):
        groups = GROUPS[lang]
        names = NAMES[lang]
        obf_sources = []  # (template, text, key) for obfuscated_hate
        for func, table in (("derogation_group", DEROGATION), ("dehumanisation", DEHUMAN),
                            ("threat_group", THREAT_GROUP), ("slur_epithet", EPITHET)):
            for ti, (tpl, key) in enumerate(table[lang]):
                for g in groups:
                    g1 = g[:-1] if lang == "en" and g.endswith("s") and " " not in g else g
                    text = tpl.format(g=g, g1=g1)
                    text = text[0].upper() + text[1:] if rng.random() < 0.3 else text
                    add(func, lang, "%s/%s/%d" % (func, lang, ti), text)
                    if func in ("derogation_group", "dehumanisation"):
                        obf_sources.append(("%s/%s/%d" % (func, lang, ti), text, key))
        for ti, (tpl, key) in enumerate(THREAT_PERSON[lang]):
            for n in names:
                add("threat_person", lang, "threat_person/%s/%d" % (lang, ti), tpl.format(name=n))
        prof_sources = []
        for ti, (tpl, key) in enumerate(PROF_AT[lang]):
            for n in names:
                text = tpl.format(name=n)
                add("profanity_at_person", lang, "profanity_at_person/%s/%d" % (lang, ti), text)
                prof_sources.append(("profanity_at_person/%s/%d" % (lang, ti), text, key))
        for func, table in (("profanity_not_at_person", PROF_NOT), ("abuse_at_objects", OBJECTS),
                            ("reclaimed_ingroup", RECLAIMED), ("spam_scam", SPAM),
                            ("self_harm", SELF_HARM), ("self_harm_recovery", RECOVERY)):
            for ti, text in enumerate(table[lang]):
                add(func, lang, "%s/%s/%d" % (func, lang, ti), text)
                # Casing and punctuation variants keep the template, vary the surface.
                add(func, lang, "%s/%s/%d" % (func, lang, ti), text.upper() if ti % 2 else text + "!!")
        for func, table in (("negation", NEGATION), ("counter_speech", COUNTER),
                            ("identity_neutral", NEUTRAL), ("identity_positive", POSITIVE)):
            for ti, tpl in enumerate(table[lang]):
                for g in groups:
                    add(func, lang, "%s/%s/%d" % (func, lang, ti), tpl.format(g=g))
        # Obfuscation: every source crossed with a deterministic subset of methods.
        for func, sources in (("obfuscated_hate", obf_sources), ("obfuscated_profanity", prof_sources)):
            for si, (tpl, text, key) in enumerate(sources):
                picks = [OBFUSCATIONS[(si + j) % len(OBFUSCATIONS)] for j in (0, 3)]
                if func == "obfuscated_profanity":
                    picks = OBFUSCATIONS
                for oname, fn in picks:
                    if key not in text:
                        continue
                    ob = text.replace(key, fn(key), 1)
                    if ob == text:
                        continue
                    add(func, lang, tpl, ob, note="%s: %s" % (oname, FUNCS[func][1]))

    os.makedirs(os.path.dirname(args.output) or ".", exist_ok=True)
    tmp = args.output + ".tmp"
    with open(tmp, "w", encoding="utf-8", newline="\n") as f:
        for c in cases:
            f.write(json.dumps(c, ensure_ascii=False, separators=(",", ":")) + "\n")
    os.replace(tmp, args.output)
    print("%s: %d cases" % (args.output, len(cases)), file=sys.stderr)


if __name__ == "__main__":
    main()
