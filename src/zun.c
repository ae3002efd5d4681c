/* zun.c: the OpenStack Zun backend (CHI@Edge), speaking container API 1.41. */
#include "config.h"

#include "backend.h"

const struct backend_ops zun_backend_ops = {
	.name = "zun",
};
