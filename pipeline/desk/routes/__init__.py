"""The desk's pages, one module each; `pipeline.desk.app` mounts their routers."""
