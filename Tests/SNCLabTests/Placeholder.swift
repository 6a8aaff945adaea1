import Testing
import SNCLab
