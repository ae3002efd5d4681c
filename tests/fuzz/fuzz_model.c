/* fuzz_model.c: Docker and Podman JSON into the container model: a listing, an
 * inspect document, a stats sample and an event, all from the same bytes. */
#include "config.h"

#include <json-c/json.h>

#include "fuzz.h"
#include "docker-model.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct berth_container **list = NULL;
	size_t n = 0;
	if (model_parse_list((const char *)data, size, "fuzz", &list, &n) == 0)
		berth_container_list_free(list, n);
	struct json_tokener *tok = json_tokener_new();
	struct json_object *o = json_tokener_parse_ex(tok, (const char *)data, (int)size);
	json_tokener_free(tok);
	if (!o)
		return 0;
	struct berth_container *c = model_from_inspect(o, "fuzz");
	berth_container_free(c);
	struct berth_stats_sample s;
	model_stats(o, &s);
	struct berth_event ev;
	model_event(o, &ev);
	json_object_put(o);
	return 0;
}
