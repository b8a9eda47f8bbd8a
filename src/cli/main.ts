// istio-autopilot: the command-line face of the same core the actions use.
console.log('istio-autopilot: commands arrive with the pipeline issue');
