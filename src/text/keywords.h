/*
 * keywords.h — matching a text against an administrator's keyword list,
 * the routing suggestion when no trained model is sure (ledger/routing.c).
 */
#ifndef TZ_TEXT_KEYWORDS_H
#define TZ_TEXT_KEYWORDS_H

/* How well text matches keywords, a list separated by spaces or
 * punctuation ("停水 水压，下水道"): the summed length in characters of the
 * distinct keywords found in it, both sides folded (fold.h), so 下水道
 * matches 下水道堵塞 and 廁所 matches 厕所. 0 when none is found. */
int keywords_score(const char *text, const char *keywords);

/* The same with the text already folded (fold_text), to match one text
 * against many lists without folding it again. */
int keywords_score_folded(const char *folded_text, const char *keywords);

#endif
