/*
 * v1_error.c — the staff API's error answers (see v1_error.h): the table of
 * codes, the helpers handlers call, and the route table's error writer,
 * which gives the dispatcher's and the server's own refusals (400, 401,
 * 403, 404, 405, 413, 500, 503) the same shape and a stable code.
 *
 * Why no error echoes the request: a value sent back in an error is how a
 * resident's phone number ends up in a client's log or a screenshot.
 */
#include "api/v1_error.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/staff_api.h"
#include "base/util.h"
#include "ledger/ledger.h"

const v1_code_info v1_codes[] = {
	{V1_BAD_REQUEST, 400, "bad_request"},
	{V1_BAD_JSON, 400, "bad_json"},
	{V1_NOT_AN_OBJECT, 400, "not_an_object"},
	{V1_UNSUPPORTED_MEDIA, 415, "unsupported_media_type"},
	{V1_BODY_TOO_LARGE, 413, "body_too_large"},
	{V1_METHOD_NOT_ALLOWED, 405, "method_not_allowed"},
	{V1_NO_SUCH_ENDPOINT, 404, "no_such_endpoint"},
	{V1_BAD_PARAMETER, 400, "bad_parameter"},
	{V1_INTERNAL, 500, "internal"},
	{V1_UNAVAILABLE, 503, "unavailable"},
	{V1_KEY_MISSING, 401, "key_missing"},
	{V1_KEY_INVALID, 401, "key_invalid"},
	{V1_ROLE_FORBIDDEN, 403, "role_forbidden"},
	{V1_APP_SUBMIT_ONLY, 403, "app_submit_only"},
	{V1_ACTION_FORBIDDEN, 403, "action_forbidden"},
	{V1_MATTER_NOT_FOUND, 404, "matter_not_found"},
	{V1_ACTION_UNKNOWN, 404, "action_unknown"},
	{V1_DEPARTMENT_NOT_FOUND, 404, "department_not_found"},
	{V1_CATEGORY_NOT_FOUND, 404, "category_not_found"},
	{V1_VERSION_CONFLICT, 409, "version_conflict"},
	{V1_WRONG_STATE, 409, "wrong_state"},
	{V1_CODE_TAKEN, 409, "code_taken"},
	{V1_FIELD_MISSING, 422, "field_missing"},
	{V1_FIELD_INVALID, 422, "field_invalid"},
	{V1_FIELD_UNKNOWN, 422, "field_unknown"},
	{V1_FIELD_UNSUPPORTED, 422, "field_unsupported"},
	{V1_REFUSED, 422, "refused"},
};
const size_t v1_ncodes = ARRAY_LEN(v1_codes);

void v1_fail(response *rs, int status, enum v1_code code, const char *hint, json_t *detail)
{
	json_t *j = json_object();
	json_object_set_new(j, "code", json_integer(code));
	/* A hint that is not UTF-8 would be a bug in the caller: still answer
	 * the shape, with an empty hint, rather than no body. */
	json_object_set_new(j, "hint", json_string(hint ? hint : ""));
	if (!json_object_get(j, "hint"))
		json_object_set_new(j, "hint", json_string(""));
	json_object_set_new(j, "detail", detail ? detail : json_null());
	char *text = json_dumps(j, JSON_COMPACT);
	rs->status = status;
	rs->content_type = "application/json; charset=utf-8";
	buf_reset(&rs->body);
	buf_puts(&rs->body, text);
	free(text);
	json_decref(j);
}

void v1_fail_field(response *rs, enum v1_code code, const char *field, const char *hint)
{
	v1_fail(rs, 422, code, hint, json_pack("{s:s}", "field", field));
}

void v1_fail_param(response *rs, const char *name, const char *hint)
{
	v1_fail(rs, 400, V1_BAD_PARAMETER, hint, json_pack("{s:s}", "parameter", name));
}

void v1_fail_ledger(response *rs, int rc, const char *msg, enum v1_code not_found)
{
	switch (rc) {
	case LEDGER_NOT_FOUND:
		v1_fail(rs, 404, not_found, msg ? msg : "没有找到", NULL);
		break;
	case LEDGER_INVALID:
		v1_fail(rs, 422, V1_REFUSED, msg ? msg : "提交的内容有误", NULL);
		break;
	case LEDGER_FORBIDDEN:
		v1_fail(rs, 403, V1_ACTION_FORBIDDEN, msg ? msg : "无权进行此操作", NULL);
		break;
	case LEDGER_CONFLICT:
		v1_fail(rs, 409, V1_VERSION_CONFLICT, "该事项已被他人更新，请重新读取后再试", NULL);
		break;
	case LEDGER_BAD_STATE:
		v1_fail(rs, 409, V1_WRONG_STATE, msg ? msg : "该事项当前状态下不能进行此操作", NULL);
		break;
	default:
		/* Why the plain hint: a database message may hold SQL or data. */
		v1_fail(rs, 500, V1_INTERNAL, "系统出现了问题，已记录下来，请稍后再试", NULL);
	}
}

/* Did the request name a Bearer key at all (as opposed to none)? */
static bool names_a_key(const request *rq)
{
	const char *auth = rq_header(rq, "authorization");
	return auth && strncasecmp(auth, "Bearer ", 7) == 0 && auth[7];
}

void v1_error_writer(request *rq, response *rs, int status, const char *hint)
{
	switch (status) {
	case 400: v1_fail(rs, 400, V1_BAD_REQUEST, hint, NULL); break;
	case 401:
		if (names_a_key(rq))
			v1_fail(rs, 401, V1_KEY_INVALID, "API 密钥无效或已停用", NULL);
		else
			v1_fail(rs, 401, V1_KEY_MISSING,
				"请在 Authorization 头中提供 API 密钥：Bearer KEY", NULL);
		break;
	case 403:
		/* Why a code of its own: an app key is for submitting only, and
		 * its developers should learn that, not guess at roles. */
		if (rq->who.role == ROLE_APP)
			v1_fail(rs, 403, V1_APP_SUBMIT_ONLY, "应用密钥只能提交事项（POST /api/v1/matters）",
				NULL);
		else
			v1_fail(rs, 403, V1_ROLE_FORBIDDEN, "此密钥的角色无权使用这个接口", NULL);
		break;
	case 404: v1_fail(rs, 404, V1_NO_SUCH_ENDPOINT, "没有这个接口", NULL); break;
	case 405: v1_fail(rs, 405, V1_METHOD_NOT_ALLOWED, "这个接口不支持这种请求方式", NULL); break;
	case 413: v1_fail(rs, 413, V1_BODY_TOO_LARGE, "请求内容超过了允许的大小", NULL); break;
	case 415: v1_fail(rs, 415, V1_UNSUPPORTED_MEDIA, hint, NULL); break;
	case 503: v1_fail(rs, 503, V1_UNAVAILABLE, "系统暂时无法提供服务，请稍后再试", NULL); break;
	default:
		if (status >= 500)
			v1_fail(rs, status, V1_INTERNAL, "系统出现了问题，已记录下来，请稍后再试", NULL);
		else
			v1_fail(rs, status, V1_BAD_REQUEST, hint, NULL);
	}
}
