#!/bin/sh
# Stand-in for Prisma's native schema engine, which cannot be downloaded offline. `prisma generate`
# only needs the path to exist; anything that really needs the engine must fail loudly, not no-op.
echo "lotwise: Prisma's native schema engine is not available offline. Use 'lotwise db migrate' to apply migrations and 'npm run db:diff' to create them." >&2
exit 1
