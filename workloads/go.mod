module github.com/tracebench/tracebench/workloads

go 1.25
