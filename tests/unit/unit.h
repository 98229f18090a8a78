/*
 * unit.h — what every unit test includes: cmocka and the project's base.
 *
 * A unit test file is tests/unit/test_NAME.c with a main() that calls
 * cmocka_run_group_tests(); the Makefile builds each against libtaizhang.a and
 * tests/run counts its results.
 */
#ifndef TZ_TESTS_UNIT_H
#define TZ_TESTS_UNIT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "base/buf.h"
#include "base/util.h"

#endif
