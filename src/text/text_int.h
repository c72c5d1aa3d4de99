/*
 * text_int.h -- private declarations shared by the files of src/text/ only
 * (normalize.c, confusables.c and the generated confusables_table.c). Other
 * layers include text/text.h instead. Uses base only.
 */
#ifndef MO_TEXT_INT_H
#define MO_TEXT_INT_H

#include "text/text.h"

/* One confusable: a non-ASCII letter and the 1..3 lowercase ASCII letters it
 * reads as (its TR39 prototype, see scripts/gen_confusables.py). */
typedef struct mo__confusable {
    uint32_t cp; /* source code point, case folded or not */
    uint8_t len; /* bytes in to, 1..3, never more than cp's UTF-8 length */
    char to[4];  /* lowercase ASCII letters, NUL-terminated */
} mo__confusable;

/* The generated table (confusables_table.c), sorted by cp. */
extern const mo__confusable mo__confusables[];
extern const size_t mo__n_confusables;

/* Looks cp up in the confusables table. Returns the entry, borrowed from static
 * storage, or NULL when cp has no ASCII-letter prototype. Thread-safe. */
const mo__confusable *mo__text_confusable(uint32_t cp);

#endif /* MO_TEXT_INT_H */
