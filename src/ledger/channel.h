/*
 * channel.h — where the office's messages go (通知渠道): a group robot of
 * WeCom (企业微信), DingTalk (钉钉) or Feishu (飞书), any HTTP webhook, or
 * e-mail over SMTP; for the whole office or one department, each with the
 * topics it receives. Administrators keep them; a channel's secret is
 * written once and never read back out to a page.
 */
#ifndef TZ_LEDGER_CHANNEL_H
#define TZ_LEDGER_CHANNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "store/db.h"

/* Topics a channel may receive (channels.topics is a comma list of names). */
enum channel_topic {
	TOPIC_DAILY = 1 << 0,  /* daily  日调度 */
	TOPIC_WEEKLY = 1 << 1, /* weekly 周督导 */
	TOPIC_URGE = 1 << 2,   /* urge   督办 (a matter reached a tier) */
	TOPIC_DUTY = 1 << 3,   /* duty   recurring duties due */
};

typedef struct channel {
	int64_t id;
	char *name;
	char *kind;            /* wecom dingtalk feishu webhook email */
	int64_t department_id; /* 0: the whole office */
	char *department_name; /* "" for the whole office */
	char *target;          /* robot/webhook URL, or smtp(s)://host:port */
	char *secret;          /* signing secret, HMAC key or SMTP password; "" none */
	char *username, *sender, *recipients; /* e-mail only */
	unsigned topics;       /* TOPIC_* bits */
	bool active;
	int64_t created_at;
} channel;

void channel_clear(channel *c);
void channel_list_free(channel *v, size_t n);

/* "wecom" ... valid? Chinese label 企业微信 钉钉 飞书 Webhook 电子邮件. */
bool channel_kind_valid(const char *kind);
const char *channel_kind_label(const char *kind);
/* The i-th kind ("wecom" ...) for a form's choices; NULL past the last. */
const char *channel_kind_at(size_t i);
/* The pacing the kind's platform asks for: the seconds between two
 * requests to one channel (4 for WeCom and DingTalk, whose robots take 20
 * messages a minute; 1 for Feishu; 0 for a webhook or e-mail), and how
 * long a channel rests after the platform answered "too frequent" (600
 * for DingTalk, which blocks a robot for 10 minutes; else 60). */
int channel_pace_seconds(const char *kind);
int channel_pause_seconds(const char *kind);
/* "daily,urge" -> bits; -1 on an unknown name. Bits -> "daily,urge". */
int channel_topics_parse(const char *s);
void channel_topics_format(unsigned topics, char *out, size_t n);
/* The i-th topic's name ("daily"), with its Chinese label (日调度) and
 * bit; NULL past the last. */
const char *channel_topic_name(size_t i, const char **label, unsigned *bit);
/* The target as it may be shown: scheme and host only ("https://
 * qyapi.weixin.qq.com/…"), because a robot's URL carries its token. */
void channel_target_masked(const char *target, buf *out);
/* At most this many recipients for an e-mail channel. */
#define CHANNEL_RECIPIENTS_MAX 20
/* The addresses of a comma list ("a@x.cn, b@y.cn"), each without the
 * spaces around it: the one reading of channels.recipients, used by the
 * check on save and by both halves of sending (the To: header and the
 * SMTP envelope), so what is sent is what was checked. Returns their
 * number (1..max) and *out, an array of copies (free with
 * channel_recipients_free), or -1 and NULL when the list is empty, has
 * more than max, or an item that is not one plain address. */
int channel_recipients_parse(const char *list, int max, char ***out);
void channel_recipients_free(char **v, int n);
/* Is list a comma list of 1..max plain e-mail addresses? */
bool channel_recipients_ok(const char *list, int max);

/* Every channel (active or not), office-wide first, then by department. */
int channel_list(db *d, channel **out, size_t *n);
/* The active channels that receive `topic` for a department: office-wide
 * ones, plus the department's own when department_id > 0. */
int channel_list_for(db *d, unsigned topic, int64_t department_id, channel **out, size_t *n);
int channel_load(db *d, int64_t id, channel *out);

/* Add or change a channel (c->id 0 adds; on change, a NULL or "" target
 * or secret keeps the stored one, except that a change of kind needs a new
 * target and drops the old secret, and a new target needs the secret
 * again when one is stored). Checked: kind, a target URL of the right scheme
 * (https:// or http:// for robots and webhooks; smtp:// or smtps:// with
 * a sender and recipients for e-mail), topics. LEDGER_OK and *id_out, or
 * LEDGER_INVALID with a Chinese *msg. */
int channel_save(db *d, const channel *c, int64_t now, int64_t *id_out, char **msg);
/* Switch a channel on or off: LEDGER_OK, LEDGER_NOT_FOUND or LEDGER_ERROR.
 * An inactive channel is not chosen for new messages, and what waits in
 * its outbox is held (not lost) until it is switched on again. */
int channel_set_active(db *d, int64_t id, bool active);

#endif
