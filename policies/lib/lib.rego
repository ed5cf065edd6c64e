package changegate.lib

# has_role is false for anonymous requests: input.subject is null, so the reference is
# undefined and the function fails rather than erroring.
has_role(role) if role in input.subject.roles
