/*
 * keywords.c — scoring a text against a keyword list (keywords.h).
 */
#include "text/keywords.h"
#include "text/fold.h"
#include "base/utf8.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

int keywords_score_folded(const char *folded_text, const char *keywords)
{
	if (!folded_text || !keywords || !*keywords)
		return 0;
	/* Folding turns the separators (、，; and spaces) into single spaces. */
	char *list = fold_text(keywords);
	int score = 0;
	for (char *save = NULL, *w = strtok_r(list, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
		/* A keyword listed twice counts once. */
		size_t wl = strlen(w);
		bool seen = false;
		for (const char *p = list; p < w && !seen; p += strlen(p) + 1)
			seen = strlen(p) == wl && memcmp(p, w, wl) == 0;
		if (!seen && strstr(folded_text, w))
			score += (int)utf8_count(w, wl);
	}
	free(list);
	return score;
}

int keywords_score(const char *text, const char *keywords)
{
	char *folded = fold_text(text ? text : "");
	int score = keywords_score_folded(folded, keywords);
	free(folded);
	return score;
}
