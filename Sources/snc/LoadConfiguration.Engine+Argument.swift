import ArgumentParser
import SNCLab

/// `--engine threads|epoll`: the raw values are the words on the command line.
extension LoadConfiguration.Engine: ExpressibleByArgument {}
