/*
 * authz-simple and authz-list (crypto/authz.c): the decisions and the
 * property errors, with the texts QEMU 7.2 prints for the same
 * --object strings (checked with Debian's qemu-storage-daemon and
 * qemu-io; tests/tls compares the two end to end).
 */
#include "qemu/osdep.h"
#include "crypto/tlscreds.h"

static QAuthZ *authz_from_str(const char *str, Error **errp)
{
    g_autoptr(QObject) opts = keyval_parse_flat(str, "qom-type", errp);

    if (!opts) {
        return NULL;
    }
    return qauthz_new(qdict_get_str(opts, "qom-type"), opts, errp);
}

static QAuthZ *authz_from_json(const char *json, Error **errp)
{
    g_autoptr(QObject) opts = qobject_from_json(json, &error_abort);

    return qauthz_new(qdict_get_str(opts, "qom-type"), opts, errp);
}

static void assert_error(QAuthZ *authz, Error *err, const char *msg)
{
    g_assert_null(authz);
    g_assert_nonnull(err);
    g_assert_cmpstr(error_get_pretty(err), ==, msg);
    error_free(err);
}

static void bad_str(const char *str, const char *msg)
{
    Error *err = NULL;
    QAuthZ *authz = authz_from_str(str, &err);

    assert_error(authz, err, msg);
}

static void bad_json(const char *json, const char *msg)
{
    Error *err = NULL;
    QAuthZ *authz = authz_from_json(json, &err);

    assert_error(authz, err, msg);
}

/* The object from @str admits each of @ids exactly when @allowed says. */
static void decide(const char *str, const char *const *ids,
                   const bool *allowed)
{
    QAuthZ *authz = authz_from_str(str, &error_abort);

    for (int i = 0; ids[i]; i++) {
        g_assert_cmpint(qauthz_is_allowed(authz, ids[i]), ==, allowed[i]);
    }
    qauthz_free(authz);
}

static const char *const ids[] = {
    "CN=alice", "CN=mallory", "C=GB,O=Example Org,OU=Storage,CN=alice", "",
    NULL,
};

static void test_simple(void)
{
    decide("authz-simple,id=a,identity=CN=alice", ids,
           (bool[]){ true, false, false, false });
    /* the whole DN, not a part of it */
    decide("authz-simple,id=a,identity=C=GB,,O=Example Org,,OU=Storage,,"
           "CN=alice", ids, (bool[]){ false, false, true, false });
    decide("authz-simple,id=a,identity=", ids,
           (bool[]){ false, false, false, true });
}

static void test_list(void)
{
    /* no rules: the policy, deny by default */
    decide("authz-list,id=a", ids, (bool[]){ false, false, false, false });
    decide("authz-list,id=a,policy=allow", ids,
           (bool[]){ true, true, true, true });
    /* exact by default: '*' is a plain character */
    decide("authz-list,id=a,rules.0.match=CN=*,rules.0.policy=allow", ids,
           (bool[]){ false, false, false, false });
    /* the first rule that fits decides */
    decide("authz-list,id=a,rules.0.match=CN=mal*,rules.0.policy=deny,"
           "rules.0.format=glob,rules.1.match=*CN=*,rules.1.policy=allow,"
           "rules.1.format=glob", ids, (bool[]){ true, false, true, false });
    decide("authz-list,id=a,policy=allow,rules.0.match=CN=mallory,"
           "rules.0.policy=deny", ids, (bool[]){ true, false, true, true });
    /* GLib's simple patterns: '?' yes, [sets] no */
    decide("authz-list,id=a,rules.0.match=CN=?lice,rules.0.policy=allow,"
           "rules.0.format=glob", ids, (bool[]){ true, false, false, false });
    decide("authz-list,id=a,rules.0.match=CN=[am]*,rules.0.policy=allow,"
           "rules.0.format=glob", ids, (bool[]){ false, false, false, false });
}

static void test_json(void)
{
    QAuthZ *authz = authz_from_json(
        "{\"qom-type\": \"authz-list\", \"id\": \"a\", \"policy\": \"deny\","
        " \"rules\": [{\"match\": \"CN=alice\", \"policy\": \"allow\"},"
        " {\"match\": \"*\", \"policy\": \"deny\", \"format\": \"glob\"}]}",
        &error_abort);

    g_assert_true(qauthz_is_allowed(authz, "CN=alice"));
    g_assert_false(qauthz_is_allowed(authz, "CN=mallory"));
    qauthz_free(authz);
}

static void test_errors(void)
{
    bad_str("authz-simple,id=a", "Parameter 'identity' is missing");
    /* members first, then what is left over */
    bad_str("authz-simple,id=a,foo=bar", "Parameter 'identity' is missing");
    bad_str("authz-simple,id=a,identity=x,foo=bar",
            "Parameter 'foo' is unexpected");
    bad_str("authz-simple,id=a,identity.x=1",
            "Parameters 'identity.*' are unexpected");
    bad_str("authz-list,id=a,policy=maybe,foo=1",
            "Parameter 'policy' does not accept value 'maybe'");
    bad_str("authz-list,id=a,rules.0.match=x",
            "Parameter 'rules.0.policy' is missing");
    bad_str("authz-list,id=a,rules.0.policy=allow",
            "Parameter 'rules.0.match' is missing");
    bad_str("authz-list,id=a,rules.0.match=x,rules.0.policy=maybe",
            "Parameter 'policy' does not accept value 'maybe'");
    bad_str("authz-list,id=a,rules.0.match=x,rules.0.policy=allow,"
            "rules.0.format=regex,rules.0.z=1",
            "Parameter 'format' does not accept value 'regex'");
    bad_str("authz-list,id=a,rules.0.match=x,rules.0.policy=allow,"
            "rules.0.z=1", "Parameter 'rules.0.z' is unexpected");
    bad_str("authz-list,id=a,rules.0.match=x,rules.0.policy=allow,bar=1",
            "Parameter 'bar' is unexpected");
    bad_str("authz-list,id=a,rules.1.match=x,rules.1.policy=allow",
            "Parameter 'rules.0' missing");
    bad_str("authz-list,id=a,rules.0.match=x,rules.0.policy=allow,"
            "rules.2.match=x,rules.2.policy=allow",
            "Parameter 'rules.1' missing");
    bad_str("authz-list,id=a,rules=x",
            "Invalid parameter type for 'rules', expected: array");
    bad_str("authz-list,id=a,rules.0=x",
            "Invalid parameter type for 'rules.0', expected: object");
    bad_str("authz-list,id=a,rules.0.match=x,rules.0.policy=allow,"
            "rules.x.match=y", "Parameters 'rules.*' used inconsistently");
    bad_str("authz-list,id=a,policy=allow,policy.x=1",
            "Parameters 'policy.*' used inconsistently");
    /* JSON paths index lists with [N] */
    bad_json("{\"qom-type\": \"authz-list\", \"id\": \"a\","
             " \"rules\": [{\"policy\": \"allow\"}]}",
             "Parameter 'rules[0].match' is missing");
    bad_json("{\"qom-type\": \"authz-list\", \"id\": \"a\","
             " \"rules\": [{\"match\": 5, \"policy\": \"allow\"}]}",
             "Invalid parameter type for 'rules[0].match', expected: string");
    bad_json("{\"qom-type\": \"authz-list\", \"id\": \"a\", \"rules\": [5]}",
             "Invalid parameter type for 'rules[0]', expected: object");
    bad_json("{\"qom-type\": \"authz-simple\", \"id\": \"a\","
             " \"identity\": null}",
             "Invalid parameter type for 'identity', expected: string");
}

static void test_by_id(void)
{
    Error *err = NULL;

    g_assert_true(user_creatable_add_str(
        "authz-simple,id=auth0,identity=CN=alice", &error_abort));
    g_assert_true(user_creatable_add_str("secret,id=sec0,data=x",
                                         &error_abort));
    g_assert_true(qauthz_is_allowed_by_id("auth0", "CN=alice", &error_abort));
    /* a refusal is not an error */
    g_assert_false(qauthz_is_allowed_by_id("auth0", "CN=mallory",
                                           &error_abort));
    g_assert_false(qauthz_is_allowed_by_id("nope", "CN=alice", &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Cannot find QAuthZ object ID nope");
    g_clear_pointer(&err, error_free);
    g_assert_false(qauthz_is_allowed_by_id("sec0", "CN=alice", &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Object 'sec0' is not a QAuthZ subclass");
    g_clear_pointer(&err, error_free);
    /* a refused object leaves no trace in the registry */
    g_assert_false(user_creatable_add_str("authz-simple,id=auth1", &err));
    g_clear_pointer(&err, error_free);
    g_assert_null(user_creatable_type("auth1"));
    user_creatable_cleanup();
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/authz/simple", test_simple);
    g_test_add_func("/authz/list", test_list);
    g_test_add_func("/authz/json", test_json);
    g_test_add_func("/authz/errors", test_errors);
    g_test_add_func("/authz/by-id", test_by_id);
    return g_test_run();
}
