/*
 * t2s_ranges.h — the code point ranges whose traditional forms fold to
 * simplified ones (tools/t2s_table.c walks them; test_fold.c checks them).
 */
#ifndef TZ_TEXT_T2S_RANGES_H
#define TZ_TEXT_T2S_RANGES_H

#include <stdint.h>

static const uint32_t t2s_ranges[][2] = {
	{0x2E80, 0x2FDF},   /* CJK radicals */
	{0x3400, 0x4DBF},   /* CJK extension A */
	{0x4E00, 0x9FFF},   /* CJK unified ideographs */
	{0xF900, 0xFAFF},   /* CJK compatibility ideographs */
	{0x20000, 0x2A6DF}, /* CJK extension B */
	{0x2A700, 0x2EBEF}, /* CJK extensions C-F */
};
#define T2S_NRANGES (sizeof t2s_ranges / sizeof t2s_ranges[0])

#endif
