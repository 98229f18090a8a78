/*
 * pg_int.h — what the PostgreSQL backend's files share (pg.c, pg_ddl.c).
 */
#ifndef TZ_STORE_PG_INT_H
#define TZ_STORE_PG_INT_H

/* sql with each `?` outside literals, quoted names and comments replaced
 * by $1, $2, ...; *nparams gets their number. SQLite's planner hint
 * " INDEXED BY name" is left out. Caller frees. */
char *pg_placeholders(const char *sql, int *nparams);

/* A migration's portable DDL (schema.h) in PostgreSQL's words. Caller frees. */
char *pg_ddl(const char *sql);

#endif
