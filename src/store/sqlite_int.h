/*
 * sqlite_int.h — what the SQLite backend's files share.
 */
#ifndef TZ_STORE_SQLITE_INT_H
#define TZ_STORE_SQLITE_INT_H

#include <sqlite3.h>

/* Register the "taizhang" FTS5 tokenizer (sqlite_tokenizer.c) on c: every
 * connection that may read or write the full-text index needs it. */
int sqlite_register_tokenizer(sqlite3 *c);

#endif
