#!/bin/sh
export AWS_ACCESS_KEY_ID=AKIA5T3R9WQ8ZL2XK7VC
aws s3 sync s3://assets /srv/assets
