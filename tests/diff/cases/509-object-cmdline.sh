# --object in qemu-io and qemu-img: help, keyval and JSON syntax, each
# type's checks and QEMU's order of errors (members, id, the tool's types).
for tool in "$QEMU_IO -c quit" "$QEMU_IMG info null-co://"; do
    for arg in help '?' secret,help tls-creds-x509,help throttle-group,help \
        iothread,help authz-pam,help foo,help 'help,id=x' \
        '' , id=x foo,id=x qom-type=help '[1]' '{bad' '{"qom-type":"secret"}' \
        '{"qom-type":"secret","id":"x","data":1}' secret,data=y \
        secret,id=x,data=y,noflag secret,id=x,1a=2 'secret,id=x,data=y,a=1,a.b=2' \
        secret,id=x,data=y,bogus=1 secret,id=1x,bogus=1 secret,id=1x \
        secret,id=x,format=hex,data=y secret,id=x,data=y,loaded=on secret,id=x \
        secret,id=x,file=/nonexist iothread,id=x iothread,id=1x main-loop,id=x \
        authz-pam,id=a authz-pam,id=a,service=x authz-list-file,id=a,filename=/x \
        authz-simple,id=a tls-creds-anon,id=1x,endpoint=bogus \
        tls-cipher-suites,id=t pr-manager-helper,id=p secret_keyring,id=k,serial=x \
        throttle-group,id=t,x-iops-total=abc; do
        run $tool --object "$arg"
    done
    # Accepted: the command runs.
    run $tool --object 'secret,id=s,data=a,,b' --object '{"qom-type":"authz-simple","id":"a","identity":"x"}' \
        --object throttle-group,id=t,limits.iops-total=5 --object thread-context,id=c
    run $tool --object secret,id=s,data=x --object authz-list,id=s
done
