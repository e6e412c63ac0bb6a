# Loads a Vagrantfile with a recording stand-in for Vagrant's configuration API and prints what it
# configured as JSON, so policy tests read the evaluated configuration, not its text (a commented-out
# line configures nothing). Usage: ruby vagrantfile_probe.rb VAGRANTFILE
# PROBE_PLUGINS (comma-separated) are the plugins Vagrant.has_plugin? reports; PROBE_HOST_CPU and
# PROBE_HOST_OS stand in for RbConfig's host (PROBE_SYSCTL_ARM64 for `sysctl -n hw.optional.arm64`).
require "json"
require "rbconfig"

# A configuration namespace: assignments are recorded, calls are recorded with their arguments,
# and unknown readers return a nested namespace (config.vbguest.auto_update = ...).
class Recorder
  def initialize(path, log)
    @path = path
    @log = log
  end

  def method_missing(name, *args, **kwargs, &block)
    name = name.to_s
    if name.end_with?("=")
      @log << { "path" => "#{@path}.#{name.chomp('=')}", "set" => args.first }
      return args.first
    end
    if args.empty? && kwargs.empty? && block.nil?
      return Recorder.new("#{@path}.#{name}", @log)
    end
    entry = { "path" => "#{@path}.#{name}", "args" => args, "opts" => kwargs }
    @log << entry
    if block
      inner = []
      block.call(Recorder.new("#{@path}.#{name}(#{args.first})", inner))
      entry["block"] = inner
    end
    nil
  end

  def respond_to_missing?(*)
    true
  end
end

module Vagrant
  @log = []
  @required = []
  class << self
    attr_reader :log, :required

    def require_version(*requirements)
      @required.concat(requirements)
    end

    def has_plugin?(name, *)
      ENV.fetch("PROBE_PLUGINS", "").split(",").include?(name)
    end

    def configure(version)
      @log << { "path" => "configure", "args" => [version] }
      yield Recorder.new("config", @log)
    end
  end
end

# Vagrant's credential scrubber (lib/vagrant/util/credential_scrubber.rb): what the Vagrantfile
# registers as sensitive is recorded; Vagrant replaces it with ***** in its UI and logs.
module Vagrant
  module Util
    module CredentialScrubber
      @registered = []
      class << self
        attr_reader :registered

        def sensitive(string)
          string = string.to_s
          @registered |= [string] unless string.empty?
          nil
        end
      end
    end
  end
end

RbConfig::CONFIG["host_cpu"] = ENV.fetch("PROBE_HOST_CPU", "x86_64")
RbConfig::CONFIG["host_os"] = ENV.fetch("PROBE_HOST_OS", "linux-gnu")
# The only subprocess a Vagrantfile may start here: the Apple Silicon check.
module Kernel
  module_function

  def probe_sysctl(*)
    ENV.fetch("PROBE_SYSCTL_ARM64", "0") + "\n"
  end
end
class IO
  def self.popen(argv, *_rest, **_opts)
    raise "unexpected subprocess #{argv.inspect}" unless argv == ["sysctl", "-n", "hw.optional.arm64"]
    out = Kernel.probe_sysctl
    block_given? ? yield(StringIO.new(out)) : StringIO.new(out)
  end
end
require "stringio"

path = File.expand_path(ARGV.fetch(0))
load path
puts JSON.generate(
  "require_version" => Vagrant.required,
  "default_provider" => ENV["VAGRANT_DEFAULT_PROVIDER"],
  "sensitive" => Vagrant::Util::CredentialScrubber.registered,
  "calls" => Vagrant.log
)
