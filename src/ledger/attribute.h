/*
 * attribute.h — a category's extra questions (Open311 service attributes)
 * and the answers a submission gives to them.
 *
 * Definitions are a JSON array in the Open311 shape:
 *   [{"code": "floor", "datatype": "number", "required": true,
 *     "variable": true, "description": "楼层", "datatype_description": "",
 *     "order": 1, "values": [{"key": "a", "name": "甲"}]}]
 * Datatypes: string, number, datetime, text, singlevaluelist,
 * multivaluelist; only the two lists have values. Answers are a JSON object
 * from code to a string, or to an array of strings for a multivaluelist.
 */
#ifndef TZ_LEDGER_ATTRIBUTE_H
#define TZ_LEDGER_ATTRIBUTE_H

#define ATTRIBUTE_MAX 20        /* questions per category */
#define ATTRIBUTE_VALUES_MAX 50 /* options per list */

/* Check definitions (NULL or "" mean none). On LEDGER_OK *normalized (caller
 * frees) is the canonical JSON: sorted by order, every field present
 * (variable defaults to true, required to false, datatype_description to
 * ""). LEDGER_INVALID with a Chinese *msg naming the question otherwise. */
int attribute_defs_check(const char *defs_json, char **normalized, char **msg);

/* Check answers (NULL or "" mean none) against definitions: no unknown code,
 * every required variable question answered, each value of its datatype
 * (number: a decimal; datetime: ISO 8601 date or date-time; string: one
 * line of at most 1000 characters; text: at most 4000; lists: known keys,
 * a multivaluelist without repeats). Empty answers count as absent. On
 * LEDGER_OK *normalized (caller frees) is the JSON object of the answers
 * given. LEDGER_INVALID with a Chinese *msg naming the question. */
int attribute_check(const char *defs_json, const char *answers_json, char **normalized,
		    char **msg);

#endif
