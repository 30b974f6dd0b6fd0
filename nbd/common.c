/*
 * NBD helpers shared by server and tests: errno translation and names
 * of the protocol's options, commands, replies and errors.
 */
#include "qemu/osdep.h"
#include "block/nbd.h"

/*
 * The wire defines only a handful of errors; anything we do not know
 * becomes EINVAL, as QEMU does, except I/O-ish errors which stay EIO.
 */
uint32_t nbd_errno_from_system(int err)
{
    if (err < 0) {
        err = -err;
    }
    switch (err) {
    case 0:
        return NBD_SUCCESS;
    case EPERM:
    case EROFS:
    case EACCES:
        return NBD_EPERM;
    case EIO:
    case ENOMEDIUM:
        return NBD_EIO;
    case ENOMEM:
        return NBD_ENOMEM;
#ifdef EDQUOT
    case EDQUOT:
#endif
    case EFBIG:
    case ENOSPC:
        return NBD_ENOSPC;
    case EOVERFLOW:
        return NBD_EOVERFLOW;
    case ENOTSUP:
#if EOPNOTSUPP != ENOTSUP
    case EOPNOTSUPP:
#endif
        return NBD_ENOTSUP;
    case ESHUTDOWN:
        return NBD_ESHUTDOWN;
    case EINVAL:
    default:
        return NBD_EINVAL;
    }
}

const char *nbd_opt_lookup(uint32_t opt)
{
    switch (opt) {
    case NBD_OPT_EXPORT_NAME:       return "export name";
    case NBD_OPT_ABORT:             return "abort";
    case NBD_OPT_LIST:              return "list";
    case NBD_OPT_PEEK_EXPORT:       return "peek export";
    case NBD_OPT_STARTTLS:          return "starttls";
    case NBD_OPT_INFO:              return "info";
    case NBD_OPT_GO:                return "go";
    case NBD_OPT_STRUCTURED_REPLY:  return "structured reply";
    case NBD_OPT_LIST_META_CONTEXT: return "list meta context";
    case NBD_OPT_SET_META_CONTEXT:  return "set meta context";
    case NBD_OPT_EXTENDED_HEADERS:  return "extended headers";
    default:                        return "<unknown>";
    }
}
