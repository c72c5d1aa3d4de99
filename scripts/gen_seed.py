#!/usr/bin/env python3
"""Generate moderato's own seed examples: data/seed/seed.jsonl.

Hand-written templates x fillers (written for this project, not copied from any
public data set or evaluation suite) for the categories the public data barely
covers: sexual, self_harm, violence, plus hard negatives that share their
vocabulary.  Deterministic: same output on every run (selection by sha1, no
random module).  Splits come from scripts/import_data.py's own procedure, so
the importer can check them.

Labels: each example carries the three seed categories (sexual, self_harm,
violence) because we wrote it and know them; other categories are omitted
(unknown) except where stated in the template group.

Usage: python3 scripts/gen_seed.py [--out data/seed/seed.jsonl]
"""

import argparse
import hashlib
import itertools
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import import_data  # noqa: E402  (same folder; for the split procedure)

BASE = {"sexual": 0, "self_harm": 0, "violence": 0}

# ---------------------------------------------------------------- sexual (DM/comment solicitation, non-graphic wording)
SEXUAL = [
    ("hey {pet} send me {pics} and i'll send you mine", {}),
    ("{pet} your voice on that cover got me so turned on, dm me {pics}", {}),
    ("wanna sext? my dms are open {emoji}", {}),
    ("i'm looking for someone to hook up with tonight, {place}, no strings", {}),
    ("bet you look even better with nothing on, show me {pet}", {}),
    ("i'd love to get you in bed after the show", {}),
    ("{pet} how much for a private {show}?", {}),
    ("selling my {content} {emoji} link in bio, 18+ only", {}),
    ("new {content} just dropped, subscribe to see everything {emoji}", {}),
    ("u up? come over and let's have sex", {}),
    ("i want to {act} you so bad", {}),
    ("send {pics} or i'm unfollowing lol", {}),
    ("trade {pics}? i'm into {kink}", {}),
    ("looking for a {partner} for {kink}, message me", {}),
    ("i keep thinking about you naked {emoji}", {}),
    ("describe what you're wearing right now, then take it off", {}),
    ("{content} half price this weekend {emoji} dm me for the link", {}),
    ("cam with me tonight {emoji} tips unlock the {show}", {}),
    ("your lips in that video... i want them all over me", {}),
    ("let's get naked on video call later {pet}", {}),
    ("i'm horny and bored, who wants to chat dirty", {}),
    ("rate my body {emoji} full {pics} in my dms", {}),
    ("{pet} i'd do anything for one night in your bed", {}),
    ("anyone {near} want to fool around tonight?", {}),
    ("{pet} i'm touching myself thinking about you", {}),
    ("let's skip the small talk, want to have sex {when2}?", {}),
    ("my {content} are up for sale {emoji} tip to unlock", {}),
    ("i want you to moan my name", {}),
]
SEXUAL_FILL = {
    "pet": ["babe", "baby", "sexy", "cutie", "gorgeous", "hot stuff"],
    "pics": ["nudes", "naked pics", "spicy pics", "pics without clothes", "a topless pic"],
    "emoji": ["😈", "🍑💦", "🔥😏", "😘", "👅"],
    "place": ["near the venue", "in my hotel room", "at my place", "after the gig", "downtown"],
    "show": ["nude show", "strip show", "sex show", "cam show"],
    "content": ["nudes", "explicit videos", "xxx clips", "sex tape", "onlyfans content"],
    "act": ["undress", "strip", "sleep with", "ride"],
    "kink": ["bondage", "roleplay in the bedroom", "dirty talk", "domination"],
    "near": ["near the venue", "in the hotel", "downtown", "at the afterparty"],
    "when2": ["tonight", "after the show", "this weekend"],
    "partner": ["fwb", "sex buddy", "hookup partner", "play partner"],
}

# ---------------------------------------------------------------- self_harm (intent / ideation / self-injury; no methods)
SELF_HARM = [
    ("i don't want to be alive anymore", {}),
    ("i've been {cutting} again and i can't stop", {}),
    ("i'm going to kill myself {when}", {}),
    ("nobody would even notice if i was gone. i'm done {when}", {}),
    ("i wrote my goodbye letters {past}", {}),
    ("every night i think about ending it", {}),
    ("i just want to disappear forever, {feeling}", {}),
    ("this song is the last thing i'll listen to before i end my life", {}),
    ("i hurt myself again {past}, the {mark} are getting worse", {}),
    ("i'm tired of fighting, i'm planning to end it {when}", {}),
    ("i deserve the pain, that's why i keep {cutting}", {}),
    ("i'm {feeling2} and i want to die {when}", {}),
    ("can't stop thinking about killing myself, {feeling}", {}),
    ("i relapsed and started {cutting} again {past}", {}),
    ("i'm going to end my life {when}. {feeling}", {}),
    ("been {cutting} since {age}, nobody knows", {}),
    ("i wish i could fall asleep and never wake up, {feeling}", {}),
    ("i'm so done with everything, {when} is my last day", {}),
    ("i want to die. {feeling}", {}),
    ("i've decided i'm not going to be here much longer", {}),
    ("i keep looking up ways to die", {}),
    ("i gave away my stuff because i won't be around {when3}", {}),
    ("if this doesn't get better by {deadline} i'm killing myself", {}),
    ("{feeling} and the only way out i see is suicide", {}),
    ("i starve myself as punishment and i want it to kill me", {}),
    ("i burned myself again {past} to feel something", {}),
    ("i don't see a future. i just want it all to stop permanently", {}),
    ("my family would be better off without me, i'm going to end it", {}),
    ("i'm sitting here with the {mark} fresh on my arm, again", {}),
    ("goodbye everyone, thanks for the music. i'm done", {}),
    ("i hate myself so much i want to hurt myself {when}", {}),
]
SELF_HARM_FILL = {
    "cutting": ["cutting", "hurting myself", "cutting my arms", "cutting my thighs"],
    "when": ["tonight", "this weekend", "after the concert", "soon", "today", "before my birthday"],
    "when3": ["after tonight", "after this weekend", "much longer", "next month"],
    "deadline": ["friday", "the end of the month", "my birthday", "tomorrow"],
    "past": ["last night", "today", "this morning", "after the concert"],
    "feeling2": ["so alone", "exhausted by life", "worthless", "numb", "broken"],
    "age": ["i was 15", "last year", "the breakup", "my dad left"],
    "feeling": ["i feel completely empty", "everything hurts", "i'm a burden to everyone",
                "i can't do this anymore", "nothing matters"],
    "mark": ["cuts", "scars", "burns", "wounds"],
}

# ---------------------------------------------------------------- violence (threats, calls to violence)
VIOLENCE = [
    ("i know where you live and i'm going to {hurt} you", {}),
    ("if i see {target} at the show i'll {hurt} them", {}),
    ("someone should {hurt} {target}, seriously", {}),
    ("everyone go to {place} {when} and beat up {target}", {}),
    ("i'm going to shoot up {place} {when}", {}),
    ("keep talking and i'll {hurt} you {when}", {}),
    ("{target} deserves a bullet", {}),
    ("we should burn down {place} with them inside", {}),
    ("i'll wait outside {place} and stab whoever comes out", {}),
    ("say that again and i'll {hurt} you and your family", {}),
    ("{target} better not show up {when}, i'll {hurt} them", {}),
    ("round up the guys, we're going to {hurt} {target}", {}),
    ("you're dead {when}, watch your back", {}),
    ("grab your weapons, we're going after {target} {when}", {}),
    ("i hope somebody finds {target} and {hurt}s them", {}),
    ("bring a bat {when}, {target} won't walk home", {}),
    ("i'm going to put you in the hospital", {}),
    ("next time i see you i'm breaking your {part}", {}),
    ("someone give me {target}'s address, i'm going to make them bleed", {}),
    ("let's make an example of {target}, beat them until they stop moving", {}),
    ("i will find you and i will {hurt} you, that's a promise", {}),
    ("time to bomb {place}", {}),
    ("whoever leaked this is getting their {part} smashed {when}", {}),
]
VIOLENCE_FILL = {
    "hurt": ["kill", "beat", "stab", "shoot", "strangle"],
    "target": ["the singer", "that reviewer", "the drummer", "the mods", "his ex", "the label boss"],
    "place": ["the venue", "the studio", "their school", "the record store", "the office"],
    "when": ["tonight", "tomorrow", "on friday", "after the show", "this weekend"],
    "part": ["jaw", "legs", "face", "hands", "skull"],
}

# ---------------------------------------------------------------- hard negatives (share vocabulary, are fine)
NEGATIVE = [
    # music hyperbole
    ("this track {kills}, {praise}", {}),
    ("the {instrument} on this song is {killer} {emoji}", {}),
    ("i'd die for this album", {}),
    ("{artist} absolutely murdered that {part2}", {}),
    ("this beat hits so hard i'm dead {emoji}", {}),
    ("that drop killed me, replaying it for the 10th time", {}),
    ("the bridge on track {n} is to die for", {}),
    ("she slayed that performance, no notes", {}),
    ("this remix is fire, the {instrument} goes crazy", {}),
    ("this song makes me want to dance until i drop", {}),
    ("i'm screaming, this chorus is insane {emoji}", {}),
    ("they blew the roof off the venue last night", {}),
    ("we're gonna kill it at the open mic {when}", {}),
    # casual idioms
    ("shoot me a message if you want the {thing}", {}),
    ("shoot me a dm and i'll send the {thing}", {}),
    ("my phone is dying, text me later", {}),
    ("this heat is killing me lol", {}),
    ("i'm dying of laughter at the {thing2}", {}),
    ("{artist} killed it on the {part2}, {praise}", {}),
    ("crisis text line volunteers are heroes, {hotline} saved my friend", {}),
    ("talking to {hotline} {when} helped more than i expected", {}),
    ("you're not a burden. if you're struggling, {hotline} is there for you", {}),
    ("that boss fight in {game} where you have to kill the dragon is so good", {}),
    ("i'd literally die for tickets to {tour}", {}),
    ("traffic was murder this morning", {}),
    ("my feet are killing me after standing all show", {}),
    ("that joke killed, the crowd loved it", {}),
    # gaming
    ("we got 12 kills in that round, {praise}", {}),
    ("i keep dying to the final boss in {game}", {}),
    ("headshot from across the map, what a clip", {}),
    ("the sniper in {game} is way too strong, nerf it", {}),
    ("my squad wiped the whole lobby {emoji}", {}),
    ("stream tonight: trying a no-death run of {game}", {}),
    # recovery / support / hotlines
    ("if you're having thoughts of suicide please call or text {hotline}, you're not alone", {}),
    ("{years} clean from self harm today, thank you all for the support", {}),
    ("to anyone struggling: reaching out for help was the best thing i ever did", {}),
    ("this song got me through my darkest time, i'm still here {emoji}", {}),
    ("if a friend talks about wanting to die, listen and help them call {hotline}", {}),
    ("my therapist helped me stop hurting myself, it gets better", {}),
    ("reminder that {hotline} is free and open 24/7", {}),
    ("i used to think about ending it, now i'm {years} into recovery and writing music again", {}),
    ("please check on your friends, depression is real and help exists", {}),
    ("proud of you for talking about your scars openly, that takes courage", {}),
    # medical / educational / news
    ("the documentary covers suicide prevention in the music industry", {}),
    ("the article explains warning signs of self-harm for parents", {}),
    ("sex education should be taught properly in schools", {}),
    ("get tested regularly, sexual health matters", {}),
    ("the nurse cleaned the cut and put on a bandage", {}),
    ("the police reported a shooting downtown, no one was injured", {}),
    ("history podcast episode on the causes of the first world war", {}),
    ("the band's new album deals with grief after a friend's suicide", {}),
    ("the novel describes a murder trial in 1920s london", {}),
    ("consent is sexy, always ask first", {}),
    ("this podcast episode talks about dating and relationships", {}),
    # romance / compliments (not sexual content)
    ("you look amazing in the new video {emoji}", {}),
    ("happy anniversary to my wife, love you forever", {}),
    ("this love song makes me miss my girlfriend", {}),
    ("that outfit at the show was gorgeous", {}),
    ("{artist} is so hot on stage, the energy is unreal", {}),
    # cooking / other
    ("cut the onions thin and fry them slowly", {}),
    ("i bombed my exam but the playlist helped me study", {}),
    ("this guitar solo is a killer, who's the player?", {}),
    ("i could kill for a pizza right now", {}),
    ("the gig was so packed we were crushed against the barrier, {praise}", {}),
]
NEG_FILL = {
    "kills": ["kills", "slaps", "goes hard", "is deadly", "hits different"],
    "killer": ["killer", "sick", "insane", "deadly", "brutal in the best way"],
    "praise": ["what a vibe", "so good", "no skips", "instant classic", "love it"],
    "instrument": ["bass", "drums", "guitar riff", "synth", "piano"],
    "artist": ["she", "he", "the band", "the drummer", "the singer"],
    "part2": ["high note", "verse", "solo", "live set"],
    "emoji": ["🔥", "😭", "💀", "🎶", "🙌"],
    "n": ["3", "5", "7", "9"],
    "when": ["tonight", "this weekend", "on friday"],
    "thing2": ["comments", "bassist's face", "tour vlog", "blooper reel"],
    "tour": ["the reunion tour", "their last show", "the festival"],
    "thing": ["setlist", "tickets", "stems", "demo", "meme", "tour dates"],
    "game": ["that new shooter", "elden ring", "the battle royale", "halo"],
    "hotline": ["988", "a crisis line", "the samaritans", "your local helpline"],
    "years": ["one year", "six months", "two years", "100 days"],
}

GROUPS = [
    ("sexual", SEXUAL, SEXUAL_FILL, {"sexual": 1}, 190),
    ("self_harm", SELF_HARM, SELF_HARM_FILL, {"self_harm": 1}, 180),
    ("violence", VIOLENCE, VIOLENCE_FILL, {"violence": 1}, 180),
    ("negative", NEGATIVE, NEG_FILL, {"hate": 0, "harassment": 0}, 340),
]

PER_TEMPLATE = 12


def expand(template, fill):
    import string
    keys = [f for _, f, _, _ in string.Formatter().parse(template) if f]
    keys = list(dict.fromkeys(keys))
    if not keys:
        return [template]
    out = []
    for combo in itertools.product(*(fill[k] for k in keys)):
        out.append(template.format(**dict(zip(keys, combo))))
    return out


def sha1(s):
    return hashlib.sha1(s.encode("utf-8")).hexdigest()


def generate():
    recs = []
    for gname, templates, fill, extra, target in GROUPS:
        # round-robin over templates, each template's variants in sha1 order,
        # so every template contributes before any contributes twice
        pools = []
        for ti, (t, _x) in enumerate(templates):
            variants = sorted(set(expand(t, fill)), key=sha1)[:PER_TEMPLATE]
            pools.append((ti, variants))
        chosen, seen = [], set()
        for rnd in range(PER_TEMPLATE):
            for ti, variants in pools:
                if rnd < len(variants) and len(chosen) < target:
                    v = variants[rnd]
                    if v not in seen:
                        seen.add(v)
                        chosen.append((ti, rnd, v))
        for ti, rnd, v in chosen:
            labels = dict(BASE)
            labels.update(extra)
            if int(sha1("case:" + v)[:2], 16) % 3 == 0:   # some start capitalised
                v = v[0].upper() + v[1:]
            recs.append(import_data.rec("%s-%02d-%d" % (gname, ti, rnd), v, labels, "en"))
    return recs


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default="data/seed/seed.jsonl")
    a = ap.parse_args()
    recs = generate()
    stats = {}
    recs = import_data.finalize("seed", recs, stats)
    recs.sort(key=lambda r: r["sid"])
    lines = [import_data.to_json("seed", r, False) for r in recs]
    import_data.validate(lines, a.out)
    import_data.write_lines(a.out, lines)
    counts = {}
    for r in recs:
        for k, v in r["labels"].items():
            if v:
                counts[k] = counts.get(k, 0) + 1
    sys.stderr.write("wrote %s: %d examples (dropped %d duplicates); positives %s\n"
                     % (a.out, len(recs), stats["seed"]["duplicates"],
                        json.dumps(counts, sort_keys=True)))


if __name__ == "__main__":
    main()
