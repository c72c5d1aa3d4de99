/*
 * schema.c -- the built-in default field schema: every signal and item field
 * a policy may name when no engine supplies its own (`moderato policy
 * check|test`, the fuzz target, tests). One table, so the engine can replace
 * it with the signals its detectors really produce. Uses base only.
 */
#include "policy/policy.h"

static const mo_field_def default_schema[] = {
    /* Classifier: calibrated probabilities in [0, 1]. */
    {"clf.hate", MO_FIELD_NUMBER},
    {"clf.harassment", MO_FIELD_NUMBER},
    {"clf.sexual", MO_FIELD_NUMBER},
    {"clf.self_harm", MO_FIELD_NUMBER},
    {"clf.violence", MO_FIELD_NUMBER},
    {"clf.spam", MO_FIELD_NUMBER},
    {"clf.profanity", MO_FIELD_NUMBER},
    /* Lexicon: match counts per term category; severity is the highest matched (0-3). */
    {"lex.slur", MO_FIELD_NUMBER},
    {"lex.profanity", MO_FIELD_NUMBER},
    {"lex.threat", MO_FIELD_NUMBER},
    {"lex.sexual", MO_FIELD_NUMBER},
    {"lex.self_harm", MO_FIELD_NUMBER},
    {"lex.slur.max_severity", MO_FIELD_NUMBER},
    {"lex.profanity.max_severity", MO_FIELD_NUMBER},
    /* PII: counts of matches. */
    {"pii.email", MO_FIELD_NUMBER},
    {"pii.phone", MO_FIELD_NUMBER},
    {"pii.card", MO_FIELD_NUMBER},
    {"pii.iban", MO_FIELD_NUMBER},
    {"pii.address", MO_FIELD_NUMBER},
    /* URLs: counts. */
    {"url.count", MO_FIELD_NUMBER},
    {"url.blocklisted", MO_FIELD_NUMBER},
    {"url.shortener", MO_FIELD_NUMBER},
    /* Spam: counts and ratios in [0, 1]. */
    {"spam.invite", MO_FIELD_NUMBER},
    {"spam.crypto_wallet", MO_FIELD_NUMBER},
    {"spam.repetition", MO_FIELD_NUMBER},
    {"spam.caps_ratio", MO_FIELD_NUMBER},
    {"spam.emoji_ratio", MO_FIELD_NUMBER},
    /* Item context. */
    {"item.type", MO_FIELD_STRING},
    {"item.surface", MO_FIELD_STRING},
    {"item.region", MO_FIELD_STRING},
    {"item.lang", MO_FIELD_STRING},
    {"item.to_minor", MO_FIELD_BOOL},
    /* Author. */
    {"author.account_type", MO_FIELD_STRING},
    {"author.age", MO_FIELD_NUMBER},
    {"author.is_minor", MO_FIELD_BOOL},
};

const mo_field_def *mo__policy_default_schema(size_t *n_fields)
{
    if (n_fields)
        *n_fields = sizeof default_schema / sizeof default_schema[0];
    return default_schema;
}

const char *mo__policy_field_type_name(mo_field_type t)
{
    switch (t) {
    case MO_FIELD_NUMBER:
        return "number";
    case MO_FIELD_STRING:
        return "string";
    case MO_FIELD_BOOL:
        return "bool";
    }
    return "?";
}
