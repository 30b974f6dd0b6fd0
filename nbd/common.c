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

const char *nbd_cmd_lookup(uint16_t cmd)
{
    switch (cmd) {
    case NBD_CMD_READ:          return "read";
    case NBD_CMD_WRITE:         return "write";
    case NBD_CMD_DISC:          return "disconnect";
    case NBD_CMD_FLUSH:         return "flush";
    case NBD_CMD_TRIM:          return "trim";
    case NBD_CMD_CACHE:         return "cache";
    case NBD_CMD_WRITE_ZEROES:  return "write zeroes";
    case NBD_CMD_BLOCK_STATUS:  return "block status";
    default:                    return "<unknown>";
    }
}

const char *nbd_rep_lookup(uint32_t rep)
{
    switch (rep) {
    case NBD_REP_ACK:                 return "ack";
    case NBD_REP_SERVER:              return "server";
    case NBD_REP_INFO:                return "info";
    case NBD_REP_META_CONTEXT:        return "meta context";
    case NBD_REP_ERR_UNSUP:           return "unsupported";
    case NBD_REP_ERR_POLICY:          return "denied by policy";
    case NBD_REP_ERR_INVALID:         return "invalid";
    case NBD_REP_ERR_PLATFORM:        return "platform lacks support";
    case NBD_REP_ERR_TLS_REQD:        return "TLS required";
    case NBD_REP_ERR_UNKNOWN:         return "export unknown";
    case NBD_REP_ERR_SHUTDOWN:        return "server shutting down";
    case NBD_REP_ERR_BLOCK_SIZE_REQD: return "block size required";
    case NBD_REP_ERR_TOO_BIG:         return "option payload too big";
    default:                          return "<unknown>";
    }
}

const char *nbd_err_lookup(uint32_t err)
{
    switch (err) {
    case NBD_SUCCESS:   return "success";
    case NBD_EPERM:     return "EPERM";
    case NBD_EIO:       return "EIO";
    case NBD_ENOMEM:    return "ENOMEM";
    case NBD_EINVAL:    return "EINVAL";
    case NBD_ENOSPC:    return "ENOSPC";
    case NBD_EOVERFLOW: return "EOVERFLOW";
    case NBD_ENOTSUP:   return "ENOTSUP";
    case NBD_ESHUTDOWN: return "ESHUTDOWN";
    default:            return "<unknown>";
    }
}
