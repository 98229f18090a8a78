/*
 * actor.c — role names and the personal-data rule.
 */
#include "ledger/actor.h"

#include <stdio.h>
#include <string.h>

static const struct {
	unsigned role;
	const char *name, *label;
} roles[] = {
	{ROLE_ADMIN, "admin", "管理员"},     {ROLE_LEADER, "leader", "领导"},
	{ROLE_CLERK, "clerk", "受理员"},     {ROLE_HANDLER, "handler", "承办人"},
	{ROLE_OBSERVER, "observer", "监督员"}, {ROLE_APP, "app", "应用"},
};

unsigned role_from_name(const char *name)
{
	for (unsigned i = 0; name && i < sizeof roles / sizeof roles[0]; i++)
		if (strcmp(roles[i].name, name) == 0)
			return roles[i].role;
	return ROLE_NONE;
}

const char *role_name(unsigned role)
{
	for (unsigned i = 0; i < sizeof roles / sizeof roles[0]; i++)
		if (roles[i].role == role)
			return roles[i].name;
	return "anonymous";
}

const char *role_label(unsigned role)
{
	for (unsigned i = 0; i < sizeof roles / sizeof roles[0]; i++)
		if (roles[i].role == role)
			return roles[i].label;
	return "群众";
}

bool actor_sees_personal(const actor *a)
{
	/* Why: residents' name and phone are for the staff who must contact
	 * them; the supervision committee (observer), client apps and the
	 * public read everything else but never these. */
	return a && (a->role & (ROLE_ADMIN | ROLE_LEADER | ROLE_CLERK | ROLE_HANDLER));
}

bool actor_sees_personal_of(const actor *a, int64_t department_id)
{
	if (!actor_sees_personal(a))
		return false;
	/* Why: a handler must contact the residents of the matters their
	 * department handles, and no others; the rest of the ledger they
	 * read as observers do. */
	if (a->role == ROLE_HANDLER)
		return a->department_id > 0 && a->department_id == department_id;
	return true;
}

void actor_label_for(const actor *who, char *out, size_t n)
{
	if (!who || who->role == ROLE_NONE)
		snprintf(out, n, "群众");
	else if (who->system)
		snprintf(out, n, "%s", who->name);
	else
		snprintf(out, n, "%s %s", role_label(who->role), who->name[0] ? who->name : who->login);
}

actor actor_system(const char *label)
{
	actor a;
	memset(&a, 0, sizeof a);
	a.role = ROLE_ADMIN;
	a.system = true;
	snprintf(a.name, sizeof a.name, "%s", label ? label : "系统");
	snprintf(a.login, sizeof a.login, "system");
	return a;
}
