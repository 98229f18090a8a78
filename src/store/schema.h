/*
 * schema.h — the numbered migrations that build the schema (schema.c).
 */
#ifndef TZ_STORE_SCHEMA_H
#define TZ_STORE_SCHEMA_H

typedef struct migration {
	int version;
	const char *name;
	const char *sql; /* one or more statements, portable SQL */
} migration;

extern const migration schema_migrations[];
extern const int schema_nmigrations;

#endif
