// Child process of the ingestion benchmark: runs one end-to-end poll, so its peak RSS is the pipeline's alone.
import 'reflect-metadata';
import { serveBenchTask } from './bench-child.js';
import { type PipelineResult, type PipelineTask, runPipeline } from './pipeline-run.js';

serveBenchTask<PipelineTask, PipelineResult>(runPipeline);
