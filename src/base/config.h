/*
 * config.h — settings from three places, later ones winning: the file
 * taizhang.conf (KEY = VALUE lines, # comments), environment variables
 * TAIZHANG_KEY (upper case), and command-line flags --key VALUE.
 */
#ifndef TZ_BASE_CONFIG_H
#define TZ_BASE_CONFIG_H

#include <stdbool.h>

typedef struct config config;

/* Read the file at path (NULL: ./taizhang.conf if it exists). Returns NULL
 * and sets *err (caller frees) if a named file cannot be read or a line is
 * malformed. */
config *config_load(const char *path, char **err);
void config_free(config *c);
/* Set a value (flags do this). */
void config_set(config *c, const char *key, const char *value);
/* The value for key: flag, then environment, then file, then dflt. */
const char *config_get(const config *c, const char *key, const char *dflt);
/* An integer value, or dflt when absent or not a whole number. */
long config_int(const config *c, const char *key, long dflt);

#endif
