module nylas-agents-go

go 1.22

require github.com/pulumi/pulumi/sdk/v3 v3.147.0

// Added by `pulumi package add ../../provider/plugin`: the local SDK it generates.
// replace github.com/pulumi-nylas-agents/pulumi-nylas-agents/sdk/go => ./sdks/nylas-agents
