/*
 * replay.c — the corpus of a fuzz target as a test: feeds every file of
 * tests/fuzz/corpus/NAME/ to the target's LLVMFuzzerTestOneInput(), one
 * test per file, and prints cmocka's summary lines so tests/run counts
 * them. Built with the normal compiler for every target as
 * build/tests/test_fuzz_NAME (NAME from the program's own name), and run
 * from the repository root; so `make test`, `make test-asan` and
 * `make valgrind` replay every seed and every crash ever found.
 *
 *     build/tests/test_fuzz_form                 the corpus of "form"
 *     build/tests/test_fuzz_form FILE|DIR...     those inputs instead
 *
 * A crash or a failed FUZZ_CHECK aborts the program: the last "[ RUN ]"
 * line names the input, and tests/run counts the abort as a failure. A
 * missing or empty corpus is a failure too, so a wrong directory can never
 * pass.
 */
#include "fuzz.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/buf.h"
#include "base/util.h"

#define PREFIX "test_fuzz_"

/* Read the whole file at path into out. False when it cannot be read. */
static bool read_file(const char *path, buf *out)
{
	FILE *f = fopen(path, "rb");
	char chunk[65536];
	size_t n;
	if (!f)
		return false;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_append(out, chunk, n);
	bool ok = !ferror(f);
	fclose(f);
	return ok;
}

/* Run the target on one file; false when the file cannot be read. */
static bool replay_file(const char *path)
{
	buf data = BUF_INIT;
	printf("[ RUN      ] %s\n", path);
	fflush(stdout);
	bool ok = read_file(path, &data);
	if (ok) {
		LLVMFuzzerTestOneInput((const uint8_t *)(data.data ? data.data : ""), data.len);
		printf("[       OK ] %s\n", path);
	} else {
		printf("[  FAILED  ] %s: cannot read\n", path);
	}
	buf_free(&data);
	return ok;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every regular file of dir, in name order; counts into *passed, *failed. */
static void replay_dir(const char *dir, int *passed, int *failed)
{
	DIR *dh = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0;
	if (!dh) {
		printf("[  ERROR   ] cannot open %s\n", dir);
		(*failed)++;
		return;
	}
	while ((e = readdir(dh))) {
		char *path = str_printf("%s/%s", dir, e->d_name);
		struct stat st;
		if (e->d_name[0] != '.' && stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
			names = xrealloc(names, (n + 1) * sizeof *names);
			names[n++] = path;
		} else {
			free(path);
		}
	}
	closedir(dh);
	qsort(names, n, sizeof *names, by_name);
	for (size_t i = 0; i < n; i++) {
		if (replay_file(names[i]))
			(*passed)++;
		else
			(*failed)++;
		free(names[i]);
	}
	free(names);
}

int main(int argc, char **argv)
{
	int passed = 0, failed = 0;
	if (argc > 1) {
		for (int i = 1; i < argc; i++) {
			struct stat st;
			if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode))
				replay_dir(argv[i], &passed, &failed);
			else if (replay_file(argv[i]))
				passed++;
			else
				failed++;
		}
	} else {
		const char *base = strrchr(argv[0], '/');
		base = base ? base + 1 : argv[0];
		if (strncmp(base, PREFIX, strlen(PREFIX)) != 0) {
			fprintf(stderr, "%s: name must be %sNAME, or give inputs\n", argv[0], PREFIX);
			return 2;
		}
		char *dir = str_printf("tests/fuzz/corpus/%s", base + strlen(PREFIX));
		replay_dir(dir, &passed, &failed);
		free(dir);
	}
	if (passed + failed == 0) {
		printf("[  ERROR   ] no inputs\n");
		failed = 1;
	}
	printf("[==========] %d test(s) run.\n", passed + failed);
	printf("[  PASSED  ] %d test(s).\n", passed);
	if (failed)
		printf("[  FAILED  ] %d test(s), listed above.\n", failed);
	return failed ? 1 : 0;
}
