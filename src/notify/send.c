/*
 * send.c — HTTP(S) POSTs and SMTP deliveries with libcurl (see send.h).
 *
 * Each call uses its own easy handle, so senders in several threads do
 * not share state; CURLOPT_NOSIGNAL keeps libcurl's timeouts away from
 * signals, which the server's main thread waits on.
 */
#include "notify/send.h"
#include "base/util.h"

#include <curl/curl.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ANSWER_MAX (64 * 1024)

static atomic_bool cancelled;

void send_cancel(bool cancel)
{
	atomic_store(&cancelled, cancel);
}

/* libcurl's progress callback: a non-zero answer aborts the transfer. */
static int check_cancel(void *p, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
	return atomic_load(&cancelled) ? 1 : 0;
}

int send_pause(int seconds)
{
	/* In tenths, so a stopping server waits at most that long. */
	for (int i = 0; i < seconds * 10 && !atomic_load(&cancelled); i++) {
		struct timespec ts = {0, 100 * 1000000L};
		nanosleep(&ts, NULL);
	}
	return atomic_load(&cancelled) ? SEND_CANCELLED : 0;
}

int send_init(void)
{
	return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : -1;
}

void send_cleanup(void)
{
	curl_global_cleanup();
}

static size_t keep_answer(char *p, size_t size, size_t n, void *vb)
{
	buf *b = vb;
	size_t len = size * n;
	if (b->len < ANSWER_MAX)
		buf_append(b, p, len < ANSWER_MAX - b->len ? len : ANSWER_MAX - b->len);
	return len;
}

/* What went wrong, for last_error. Why libcurl's own message is checked:
 * it may quote the URL, and a robot's URL carries its token; then the
 * generic text for the code is used instead. */
static char *curl_error(CURLcode rc, const char *detail, const char *url)
{
	const char *host = strstr(url, "://");
	const char *rest = host ? host + 3 + strcspn(host + 3, "/?#") : url;
	bool leaks = *rest && strstr(detail, rest);
	return str_printf("发送失败：%s", detail[0] && !leaks ? detail : curl_easy_strerror(rc));
}

/* The options every transfer shares. */
static void common_options(CURL *h, int timeout, char *errbuf)
{
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, (long)(timeout < 10 ? timeout : 10));
	curl_easy_setopt(h, CURLOPT_TIMEOUT, (long)timeout);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "taizhang-notify/1");
	/* Why no redirects and a short protocol list: a channel's target is
	 * typed by an administrator and fetched by the server; a redirect
	 * (or a file:// or gopher:// URL) would let it reach what it should
	 * not. */
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, check_cancel);
}

/* -1 with the error, or SEND_CANCELLED when send_cancel cut it short. */
static int failure(CURLcode c, const char *errbuf, const char *url, char **err)
{
	if (c == CURLE_ABORTED_BY_CALLBACK || atomic_load(&cancelled)) {
		*err = xstrdup("发送中断：服务停止");
		return SEND_CANCELLED;
	}
	*err = curl_error(c, errbuf, url);
	return -1;
}

int send_http(const payload_http *rq, int timeout, long *status, buf *answer, char **err)
{
	char errbuf[CURL_ERROR_SIZE] = "";
	struct curl_slist *hdrs = NULL;
	int rc = -1;
	*status = 0;
	CURL *h = curl_easy_init();
	if (!h) {
		*err = xstrdup("发送失败：libcurl 无法初始化");
		return -1;
	}
	common_options(h, timeout, errbuf);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_URL, rq->url);
	for (size_t i = 0; i < ARRAY_LEN(rq->headers) && rq->headers[i]; i++)
		hdrs = curl_slist_append(hdrs, rq->headers[i]);
	/* No "Expect: 100-continue" wait on a larger body. */
	hdrs = curl_slist_append(hdrs, "Expect:");
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(h, CURLOPT_POST, 1L);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, rq->body);
	curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)strlen(rq->body));
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, keep_answer);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, answer);
	CURLcode c = curl_easy_perform(h);
	if (c != CURLE_OK) {
		rc = failure(c, errbuf, rq->url, err);
		goto done;
	}
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, status);
	rc = 0;
done:
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(h);
	return rc;
}

struct upload {
	const char *p;
	size_t left;
};

static size_t read_message(char *dst, size_t size, size_t n, void *vu)
{
	struct upload *u = vu;
	size_t k = size * n < u->left ? size * n : u->left;
	memcpy(dst, u->p, k);
	u->p += k;
	u->left -= k;
	return k;
}

/* The recipients as a curl list of "<addr>": the addresses of
 * channel_recipients_parse, as the To: header has them. NULL when the list
 * is unusable. */
static struct curl_slist *recipient_list(const char *list)
{
	struct curl_slist *l = NULL;
	char **v;
	int n = channel_recipients_parse(list, CHANNEL_RECIPIENTS_MAX, &v);
	for (int i = 0; i < n; i++) {
		char *a = str_printf("<%s>", v[i]);
		l = curl_slist_append(l, a);
		free(a);
	}
	channel_recipients_free(v, n);
	return l;
}

int send_smtp(const channel *c, const char *message, size_t len, int timeout, char **err)
{
	char errbuf[CURL_ERROR_SIZE] = "";
	struct curl_slist *rcpt = recipient_list(c->recipients);
	struct upload u = {message, len};
	int rc = -1;
	if (!rcpt) {
		*err = xstrdup("发送失败：收件地址无效，请检查渠道设置");
		return -1;
	}
	CURL *h = curl_easy_init();
	if (!h) {
		*err = xstrdup("发送失败：libcurl 无法初始化");
		curl_slist_free_all(rcpt);
		return -1;
	}
	common_options(h, timeout, errbuf);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(h, CURLOPT_URL, c->target);
	bool login = !str_empty(c->username);
	/* Why STARTTLS is required with a login: without it the password
	 * would cross the network in clear. A relay without login (on this
	 * machine or the office network) may still speak plain SMTP. */
	curl_easy_setopt(h, CURLOPT_USE_SSL, (long)(login ? CURLUSESSL_ALL : CURLUSESSL_TRY));
	if (login) {
		curl_easy_setopt(h, CURLOPT_USERNAME, c->username);
		curl_easy_setopt(h, CURLOPT_PASSWORD, c->secret ? c->secret : "");
	}
	char *from = str_printf("<%s>", c->sender);
	curl_easy_setopt(h, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(h, CURLOPT_READFUNCTION, read_message);
	curl_easy_setopt(h, CURLOPT_READDATA, &u);
	curl_easy_setopt(h, CURLOPT_INFILESIZE, (long)len);
	CURLcode r = curl_easy_perform(h);
	if (r != CURLE_OK) {
		rc = failure(r, errbuf, c->target, err);
		goto done;
	}
	rc = 0;
done:
	free(from);
	curl_slist_free_all(rcpt);
	curl_easy_cleanup(h);
	return rc;
}
